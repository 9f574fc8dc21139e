using Distill.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Models;
using Distill.Tasks;
using Distill.Errors;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// What the run files (<c>distill_run.json</c>, <c>multitask_run.json</c>) share: their JSON form (unknown fields
/// refused, nulls left out), the distiller they name or imply, the checks of their training and distillation parts,
/// and the distiller built from them.
/// </summary>
internal static class RunConfigs
{
    /// <summary>
    /// The distillers a run file may name: ours, and TextBrewer's MultiTeacherDistiller (basic's objective on the
    /// teachers' mean logits) and MultiTaskDistiller (general's objective, in a multi-task run) by their names.
    /// </summary>
    public static readonly IReadOnlyList<string> Distillers = ["basic", "general", "multiteacher", "multitask"];

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static T Load<T>(string path) where T : class => JsonFile.Read<T>(path, "run file", Options);

    public static string ToJson<T>(T config) => JsonSerializer.Serialize(config, Options);

    /// <summary>The distiller named, or general when the config has intermediate matches (or presets), else basic.</summary>
    public static string DistillerName(string? distiller, DistillationConfig distillation) =>
        distiller ?? (distillation.IntermediateMatches.Count + distillation.Matches.Count > 0 ? "general" : "basic");

    /// <summary>
    /// Checks the training config (<paramref name="training"/>), the distillation config and the distiller, adding
    /// each problem to <paramref name="problems"/> under its part's name; returns the distillation config with its
    /// named match presets expanded into intermediate_matches.
    /// </summary>
    public static DistillationConfig Check(string source, TrainingConfig training, DistillationConfig distillation, string? distiller, List<string> problems)
    {
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
        Collect(() => training.Validate(source), "training: ");
        var expanded = distillation;
        Collect(() => expanded = distillation.Validate(source, Registry.ComponentRegistry.Catalog), "distillation: ");
        var name = DistillerName(distiller, distillation);
        if (!Distillers.Contains(name)) problems.Add($"distiller \"{name}\" is not known; known: {string.Join(", ", Distillers)}");
        if (name is "basic" or "multiteacher" && expanded.IntermediateMatches.Count > 0) problems.Add($"distiller \"{name}\" does not read intermediate_matches; use \"general\"");
        return expanded;
    }

    /// <summary>The distiller <paramref name="name"/> (one of <see cref="Distillers"/>) over the one training loop.</summary>
    public static TrainerBase CreateDistiller(string name, TrainingConfig training, DistillationConfig distillation, AdaptedModel student, ITeacherOutputSource teacher,
        TrainerOutput output, Func<EvaluationResult>? evaluate, IReadOnlyList<double>? teacherWeights = null) => name switch
    {
        "general" => new GeneralDistiller(training, distillation, student, teacher, output, evaluate, teacherWeights),
        "multiteacher" => new MultiTeacherDistiller(training, distillation, student, teacher, output, evaluate, teacherWeights),
        "multitask" => new MultiTaskDistiller(training, distillation, student, teacher, output, evaluate),
        "basic" => new BasicDistiller(training, distillation, student, teacher, output, evaluate, teacherWeights),
        _ => throw new ConfigException($"distiller \"{name}\" is not known; known: {string.Join(", ", Distillers)}"),
    };
}
