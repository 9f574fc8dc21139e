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

    [JsonIgnore] public string DistillerName => RunConfigs.DistillerName(Distiller, Distillation);

    public static DistillRunConfig Load(string path) => RunConfigs.Load<DistillRunConfig>(path);

    public string ToJson() => RunConfigs.ToJson(this);

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>Checks the training and distillation configs, the distiller and the teacher; one error names every bad field.</summary>
    public DistillRunConfig Validate(string source)
    {
        var problems = new List<string>();
        var distillation = RunConfigs.Check(source, Training, Distillation, Distiller, problems);
        if ((Cache.Count > 0) == (Teacher is not null)) problems.Add("give the teacher as cache directories (cache) or as a model (teacher), not both or neither");
        if (TeacherWeights is { } weights && Teachers.TeacherEnsemble.WeightsProblem(weights, Cache.Count) is { } problem) problems.Add($"teacher_weights: {problem}");
        if (problems.Count > 0) throw new ConfigException($"{source}: {string.Join("; ", problems)}");
        return this with { Distillation = distillation };
    }
}
