using Distill.Configuration;
using Distill.DistillStudent.Training;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// One BasicTrainer run from a validated config: claims the output directory (refusing one that holds a run
/// with another config), loads data and model, and trains, resuming from the newest checkpoint if there is one.
/// </summary>
public static class TrainingRun
{
    public const string ConfigFile = "training_config.json";

    public static TrainingSummary Execute(TrainingConfig config, TextWriter log, bool isTerminal, CancellationToken cancellation = default)
    {
        var outputDir = Path.GetFullPath(config.OutputDir!);
        // Threads change speed, not results: a resumed run may use another count.
        RunDirectory.Claim(outputDir, ConfigFile, config.ToJson(), ignored: ["threads"]);

        manual_seed(config.Seed);
        using var student = TaskStudent.Load(config, log);
        var trainer = new BasicTrainer(config, student.Adapted(), new TrainerOutput(outputDir, log, isTerminal), student.Evaluate());
        return trainer.Train(student.Feed(), cancellation);
    }
}
