using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Configuration;
using Distill.IO;
using Distill.Models;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// A whole distillation run as one JSON file: the training config (its <c>model</c> is the student), the
/// distillation config, the distiller, and the teacher as cache directories (the default; several make a
/// multi-teacher run) or as a model run online. Saved into the output directory; a rerun must bring the same one.
/// </summary>
public sealed record DistillRunConfig
{
    public const string FileName = "distill_run.json";

    [JsonPropertyName("training")] public TrainingConfig Training { get; init; } = new();
    [JsonPropertyName("distillation")] public DistillationConfig Distillation { get; init; } = new();

    /// <summary><c>basic</c> or <c>general</c>; null picks general when there are intermediate matches, else basic.</summary>
    [JsonPropertyName("distiller")] public string? Distiller { get; init; }

    /// <summary>Teacher cache directories; several make a multi-teacher run (KD on their mean logits, matches naming a teacher by index).</summary>
    [JsonPropertyName("cache")] public IReadOnlyList<string> Cache { get; init; } = [];

    /// <summary>With several caches, each teacher's weight in the mean of their logits (null: equal weights).</summary>
    [JsonPropertyName("teacher_weights")] public IReadOnlyList<double>? TeacherWeights { get; init; }

    /// <summary>A teacher task-model directory, run in the loop instead of a cache.</summary>
    [JsonPropertyName("teacher")] public string? Teacher { get; init; }

    public static readonly IReadOnlyList<string> Distillers = ["basic", "general"];

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [JsonIgnore] public string DistillerName => Distiller ?? (Distillation.IntermediateMatches.Count + Distillation.Matches.Count > 0 ? "general" : "basic");

    public static DistillRunConfig Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<DistillRunConfig>(File.ReadAllText(path), Options) ?? throw new ConfigException($"{path}: the config is null");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path}: {e.Message}");
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>Checks the training and distillation configs, the distiller and the teacher; one error names every bad field.</summary>
    public DistillRunConfig Validate(string source)
    {
        var problems = new List<string>();
        void Collect(Action check, string prefix)
        {
            try
            {
                check();
            }
            catch (ConfigException e)
            {
                problems.Add($"{prefix}{e.Message.Replace(source + ": ", "", StringComparison.Ordinal)}");
            }
        }
        Collect(() => Training.Validate(source), "training: ");
        // Validation also expands named match presets into intermediate_matches.
        var distillation = Distillation;
        Collect(() => distillation = Distillation.Validate(source, Losses.LossRegistry.Arity), "distillation: ");
        if (!Distillers.Contains(DistillerName)) problems.Add($"distiller \"{DistillerName}\" is not known; known: {string.Join(", ", Distillers)}");
        if (DistillerName == "basic" && distillation.IntermediateMatches.Count > 0) problems.Add("distiller \"basic\" does not read intermediate_matches; use \"general\"");
        if ((Cache.Count > 0) == (Teacher is not null)) problems.Add("give the teacher as cache directories (cache) or as a model (teacher), not both or neither");
        if (TeacherWeights is { } weights && Teachers.TeacherEnsemble.WeightsProblem(weights, Cache.Count) is { } problem) problems.Add($"teacher_weights: {problem}");
        if (problems.Count > 0) throw new ConfigException($"{source}: {string.Join("; ", problems)}");
        return this with { Distillation = distillation };
    }
}
