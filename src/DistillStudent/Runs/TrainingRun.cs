using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Training;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// One training run from a validated run file, with the trainer the file calls for: a training config alone trains
/// with BasicTrainer, a distillation run with the distiller it names (<see cref="DistillationRun"/>, which
/// <c>distill</c> also runs). Either loads data and model, checks them, logs the trainer, and
/// trains (the trainer claims the output directory, refusing one that holds a run with another config), resuming from the newest checkpoint if there is one.
/// </summary>
internal static class TrainingRun
{
    public const string ConfigFile = "training_config.json";

    public static TrainingSummary Execute(RunFile run, TextWriter log, bool isTerminal, CancellationToken cancellation = default) =>
        run.Distillation is { } distillation
            ? DistillationRun.Execute(distillation, log, isTerminal, cancellation)
            : Execute(run.Training, log, isTerminal, cancellation);

    /// <summary>Supervised training of <see cref="TrainingConfig.Model"/> on its labels (BasicTrainer).</summary>
    public static TrainingSummary Execute(TrainingConfig config, TextWriter log, bool isTerminal, CancellationToken cancellation = default)
    {
        var outputDir = Path.GetFullPath(config.OutputDir!);
        RunPreamble.Write(config, null, log);

        manual_seed(config.Seed);
        using var student = TaskStudent.Load(config, log);
        // Threads change speed, not results: a resumed run may use another count.
        var record = new RunRecord(ConfigFile, config.ToJson(), ["threads"]);
        var trainer = new BasicTrainer(config, student.Adapted(), new TrainerOutput(outputDir, log, isTerminal, record), student.Evaluate());
        log.WriteLine($"trainer: {nameof(BasicTrainer)} (supervised, no teacher)");
        return trainer.Train(student.Feed(), cancellation);
    }
}
