using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.DistillStudent.Configuration;
using Distill.Models;
using Distill.Errors;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// A run file as <c>train --config</c> reads it: a training config alone (supervised training, BasicTrainer) or a
/// whole distillation run in <c>distill_run.json</c>'s form, which names its distiller and teacher. The two are
/// told apart by the distillation run's top-level fields (<see cref="DistillationFields"/>), which a training config
/// does not have. <see cref="TrainingRun.Execute(RunFile, TextWriter, bool, CancellationToken)"/> runs either.
/// </summary>
internal sealed class RunFile
{
    /// <summary>The top-level fields that make a file a distillation run.</summary>
    public static readonly IReadOnlyList<string> DistillationFields = ["training", "distillation", "distiller", "cache", "teacher"];

    private readonly TrainingConfig? training;

    private RunFile(TrainingConfig? training, DistillRunConfig? distillation)
    {
        this.training = training;
        Distillation = distillation;
    }

    /// <summary>The whole distillation run, or null for supervised training.</summary>
    public DistillRunConfig? Distillation { get; }

    /// <summary>The training config: the file's own, or the distillation run's (its <c>model</c> is the student).</summary>
    public TrainingConfig Training => Distillation?.Training ?? training!;

    public static RunFile Of(TrainingConfig config) => new(config, null);

    public static RunFile Of(DistillRunConfig run) => new(null, run);

    public static RunFile Load(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path}: {e.Message}");
        }
        return root is JsonObject fields && DistillationFields.Any(fields.ContainsKey)
            ? Of(DistillRunConfig.Load(path))
            : Of(TrainingConfig.Load(path));
    }

    /// <summary>This run with its training config changed (e.g. by command-line flags).</summary>
    public RunFile WithTraining(Func<TrainingConfig, TrainingConfig> change) =>
        Distillation is { } run ? Of(run with { Training = change(run.Training) }) : Of(change(training!));

    /// <summary>Checks the whole file: the training config alone, or the distillation run with its distiller and teacher.</summary>
    public RunFile Validate(string source) => Distillation is { } run ? Of(run.Validate(source)) : Of(training!.Validate(source));
}
