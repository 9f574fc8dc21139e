using System.Globalization;
using System.Text.Json;
using Distill.Tasks;

namespace Distill.Inference;

/// <summary>
/// What an exported student carries in its ONNX <c>metadata_props</c> for serving: the task, the labels and the
/// tokenizer settings. The exporter writes <see cref="ToProperties"/>, the inference library reads
/// <see cref="FromProperties"/>; the key names below are the contract between them.
/// </summary>
/// <param name="Task">The task head; null for a plain encoder (task <c>encoder</c>), which serves no predictions.</param>
/// <param name="Labels">The head's labels in index order (Hugging Face <c>id2label</c>); empty for QA.</param>
/// <param name="LowerCase">Hugging Face <c>do_lower_case</c>.</param>
/// <param name="StripAccents">Hugging Face <c>strip_accents</c>; null means the same as <paramref name="LowerCase"/>.</param>
/// <param name="MaxSeqLength">Longer inputs are truncated (QA contexts split into windows) to this many tokens.</param>
/// <param name="SourceSha256">Lowercase hex SHA-256 of the source model.safetensors, when the exporter knew it.</param>
/// <param name="SourceName">The source model directory's name, for people.</param>
public sealed record OnnxModelMetadata(TaskKind? Task, IReadOnlyList<string> Labels, bool LowerCase, bool? StripAccents, int MaxSeqLength,
    string? SourceSha256 = null, string? SourceName = null)
{
    /// <summary>The task: classification | tagging | qa (<see cref="TaskKinds.Names"/>), or <see cref="EncoderTask"/>.</summary>
    public const string TaskKey = "task";

    /// <summary>The <c>task</c> of a plain encoder (no head).</summary>
    public const string EncoderTask = "encoder";

    /// <summary>Lowercase hex SHA-256 of the model.safetensors the graph was exported from.</summary>
    public const string SourceSha256Key = "source_model_sha256";

    /// <summary>The source model directory's name.</summary>
    public const string SourceNameKey = "source_model";

    /// <summary>A JSON object from label index (as a string) to label, as in Hugging Face's config.json.</summary>
    public const string Id2LabelKey = "id2label";

    /// <summary>"true" or "false". Absent: true.</summary>
    public const string DoLowerCaseKey = "do_lower_case";

    /// <summary>"true" or "false". Absent: the same as do_lower_case.</summary>
    public const string StripAccentsKey = "strip_accents";

    /// <summary>A positive integer. Absent: <see cref="DefaultMaxSeqLength"/>.</summary>
    public const string MaxSeqLengthKey = "max_seq_length";

    /// <summary>The vocabulary file the exporter writes beside the .onnx file.</summary>
    public const string VocabFile = "vocab.txt";

    /// <summary>The graph's inputs (int64, [batch, sequence]); token types are optional.</summary>
    public const string InputIds = "input_ids", AttentionMask = "attention_mask", TokenTypeIds = "token_type_ids";

    /// <summary>The graph's outputs: classification [batch, labels]; tagging [batch, sequence, labels]; QA two of [batch, sequence].</summary>
    public const string Logits = "logits", StartLogits = "start_logits", EndLogits = "end_logits";

    /// <summary>BERT's position limit, used when the model does not say.</summary>
    public const int DefaultMaxSeqLength = 512;

    /// <summary>The entries to store in the model's <c>metadata_props</c>.</summary>
    public IReadOnlyDictionary<string, string> ToProperties()
    {
        var properties = new Dictionary<string, string>
        {
            [TaskKey] = Task?.Name() ?? EncoderTask,
            [DoLowerCaseKey] = LowerCase ? "true" : "false",
            [MaxSeqLengthKey] = MaxSeqLength.ToString(CultureInfo.InvariantCulture),
        };
        if (Labels.Count > 0)
        {
            properties[Id2LabelKey] = JsonSerializer.Serialize(Labels.Select((l, i) => (l, i)).ToDictionary(p => p.i.ToString(CultureInfo.InvariantCulture), p => p.l));
        }
        if (StripAccents is bool strip) properties[StripAccentsKey] = strip ? "true" : "false";
        if (SourceSha256 is not null) properties[SourceSha256Key] = SourceSha256;
        if (SourceName is not null) properties[SourceNameKey] = SourceName;
        return properties;
    }

    /// <summary>Reads the entries back; <paramref name="source"/> (the file) starts every error message.</summary>
    /// <exception cref="OnnxModelException">An entry is missing or malformed; the message names the key, expected and found.</exception>
    public static OnnxModelMetadata FromProperties(IReadOnlyDictionary<string, string> properties, string source)
    {
        ArgumentNullException.ThrowIfNull(properties);
        OnnxModelException Bad(string key, string expected, string found) =>
            new($"{source}: metadata \"{key}\": expected {expected}, found {found}");

        if (!properties.TryGetValue(TaskKey, out var taskName))
        {
            throw Bad(TaskKey, $"one of {string.Join(", ", TaskKinds.Names)} (export the model with export-onnx export)", "no such entry");
        }
        TaskKind? task = taskName == EncoderTask ? null
            : TaskKinds.Names.Contains(taskName) ? TaskKinds.Parse(taskName, source)
            : throw Bad(TaskKey, $"one of {string.Join(", ", TaskKinds.Names.Append(EncoderTask))}", $"\"{taskName}\"");
        var labels = task is TaskKind.Qa or null ? [] : ReadLabels(properties, Bad);
        bool? Flag(string key) => properties.TryGetValue(key, out var value)
            ? value switch { "true" or "True" => true, "false" or "False" => false, _ => throw Bad(key, "true or false", $"\"{value}\"") }
            : null;
        var maxLength = DefaultMaxSeqLength;
        if (properties.TryGetValue(MaxSeqLengthKey, out var length)
            && (!int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out maxLength) || maxLength < 3))
        {
            throw Bad(MaxSeqLengthKey, "an integer of at least 3", $"\"{length}\"");
        }
        return new OnnxModelMetadata(task, labels, Flag(DoLowerCaseKey) ?? true, Flag(StripAccentsKey), maxLength,
            properties.GetValueOrDefault(SourceSha256Key), properties.GetValueOrDefault(SourceNameKey));
    }

    private static string[] ReadLabels(IReadOnlyDictionary<string, string> properties, Func<string, string, string, OnnxModelException> bad)
    {
        const string expected = "a JSON object from index to label, e.g. {\"0\": \"neg\", \"1\": \"pos\"}, with indices 0..n-1 and n >= 2";
        if (!properties.TryGetValue(Id2LabelKey, out var json)) throw bad(Id2LabelKey, expected, "no such entry");
        Dictionary<string, string>? map;
        try
        {
            map = JsonSerializer.Deserialize<Dictionary<string, string>>(json);
        }
        catch (JsonException)
        {
            map = null;
        }
        if (map is null || map.Count < 2) throw bad(Id2LabelKey, expected, json);
        var labels = new string[map.Count];
        foreach (var (key, label) in map)
        {
            if (!int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= labels.Length || labels[index] is not null)
            {
                throw bad(Id2LabelKey, expected, json);
            }
            labels[index] = label;
        }
        return labels;
    }
}
