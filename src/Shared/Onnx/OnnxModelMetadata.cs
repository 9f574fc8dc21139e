using System.Globalization;
using System.Text.Json;
using Distill.Models;

namespace Distill.Onnx;

/// <summary>
/// What <c>export-onnx export</c> writes into an ONNX model's <c>metadata_props</c>, so that a service needs only
/// the .onnx file and vocab.txt: the task, labels, tokenizer settings and where the weights came from.
/// (No TorchSharp here: inference code reads this too.)
/// </summary>
/// <param name="Task">the head's task; null for a plain encoder</param>
/// <param name="Labels">label names in id order (empty for QA and encoders)</param>
/// <param name="LowerCase">the tokenizer lower-cases</param>
/// <param name="StripAccents">the tokenizer strips accents</param>
/// <param name="MaxLength">the longest input in tokens (max_position_embeddings)</param>
/// <param name="SourceSha256">lowercase hex SHA-256 of the source model.safetensors</param>
/// <param name="SourceName">the source model directory's name, for people</param>
public sealed record OnnxModelMetadata(TaskKind? Task, IReadOnlyList<string> Labels, bool LowerCase, bool StripAccents, int MaxLength, string SourceSha256, string SourceName)
{
    public const string TaskKey = "task";
    public const string Id2LabelKey = "id2label";
    public const string LowerCaseKey = "do_lower_case";
    public const string StripAccentsKey = "strip_accents";
    public const string MaxLengthKey = "max_length";
    public const string SourceSha256Key = "source_model_sha256";
    public const string SourceNameKey = "source_model";

    /// <summary>The <c>task</c> value of a plain encoder.</summary>
    public const string EncoderTask = "encoder";

    public static readonly IReadOnlyList<string> Keys = [TaskKey, Id2LabelKey, LowerCaseKey, StripAccentsKey, MaxLengthKey, SourceSha256Key, SourceNameKey];

    public IReadOnlyList<KeyValuePair<string, string>> ToProperties() =>
    [
        new(TaskKey, Task?.Name() ?? EncoderTask),
        new(Id2LabelKey, JsonSerializer.Serialize(Labels.Select((l, i) => (l, i)).ToDictionary(p => p.i.ToString(CultureInfo.InvariantCulture), p => p.l))),
        new(LowerCaseKey, LowerCase ? "true" : "false"),
        new(StripAccentsKey, StripAccents ? "true" : "false"),
        new(MaxLengthKey, MaxLength.ToString(CultureInfo.InvariantCulture)),
        new(SourceSha256Key, SourceSha256),
        new(SourceNameKey, SourceName),
    ];

    /// <summary>Reads the properties back; throws one <see cref="OnnxImportException"/> naming every missing or bad key.</summary>
    public static OnnxModelMetadata FromProperties(IReadOnlyDictionary<string, string> properties, string source)
    {
        var problems = new List<string>();
        string Get(string key)
        {
            if (properties.TryGetValue(key, out var value)) return value;
            problems.Add($"{key} is missing");
            return "";
        }
        bool Bool(string key)
        {
            var text = Get(key);
            if (text is "true" or "false") return text == "true";
            if (text.Length > 0) problems.Add($"{key} must be true or false, found \"{text}\"");
            return false;
        }

        var taskText = Get(TaskKey);
        TaskKind? task = null;
        if (taskText.Length > 0 && taskText != EncoderTask)
        {
            var index = TaskKinds.Names.ToList().IndexOf(taskText);
            if (index < 0) problems.Add($"{TaskKey} must be one of {string.Join(", ", TaskKinds.Names.Append(EncoderTask))}, found \"{taskText}\"");
            else task = (TaskKind)index;
        }
        var labels = ParseLabels(Get(Id2LabelKey), problems);
        var lower = Bool(LowerCaseKey);
        var strip = Bool(StripAccentsKey);
        var maxText = Get(MaxLengthKey);
        if (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out var maxLength) && maxText.Length > 0)
        {
            problems.Add($"{MaxLengthKey} must be a positive integer, found \"{maxText}\"");
        }
        var sha = Get(SourceSha256Key);
        var name = Get(SourceNameKey);
        if (problems.Count > 0)
        {
            throw new OnnxImportException($"{source}: the model's metadata is not an export of ours ({string.Join("; ", problems)})");
        }
        return new OnnxModelMetadata(task, labels, lower, strip, maxLength, sha, name);
    }

    private static IReadOnlyList<string> ParseLabels(string json, List<string> problems)
    {
        if (json.Length == 0) return [];
        try
        {
            var map = JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];
            var labels = new string[map.Count];
            foreach (var (key, label) in map)
            {
                if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id >= labels.Length)
                {
                    problems.Add($"{Id2LabelKey} key \"{key}\" is not an id in [0, {labels.Length})");
                    return [];
                }
                labels[id] = label;
            }
            return labels;
        }
        catch (JsonException e)
        {
            problems.Add($"{Id2LabelKey} is not a JSON object of id → label ({e.Message})");
            return [];
        }
    }
}
