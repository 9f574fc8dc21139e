using System.CommandLine;
using System.Globalization;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Training;
using Distill.Runtime;

namespace Distill.DistillStudent.Commands;

/// <summary><c>train</c>: supervised training of a task model (TextBrewer's BasicTrainer), or the distiller a distillation run file names; resumable.</summary>
internal sealed class TrainCommand : Command
{
    private readonly Option<FileInfo> config = new("--config") { Description = "training config JSON (TextBrewer TrainingConfig names; BasicTrainer), or a whole distillation run as distill --config reads it (runs the distiller it names); flags below override its training part" };
    private readonly Option<string> model = new("--model") { Description = "Hugging Face model directory to start from (e.g. an imported MiniLM)" };
    private readonly TrainingOptions training = new();

    public TrainCommand() : base("train", "Train a task model on labelled data (BasicTrainer), or run a distillation run file (--config): checkpoints, best model, resume. " + TrainingOptions.DefaultsNote)
    {
        Options.Add(config);
        Options.Add(model);
        foreach (var option in training.All) Options.Add(option);
        SetAction((parse, cancellation) => Task.FromResult(Execute(parse, cancellation)));
    }

    private int Execute(ParseResult parse, CancellationToken cancellation)
    {
        var configFile = parse.GetValue(config);
        var fromFile = configFile is null ? RunFile.Of(new TrainingConfig()) : RunFile.Load(configFile.FullName);
        var run = fromFile.WithTraining(file => training.Merge(parse, file with { Model = parse.GetValue(model) ?? file.Model }))
            .Validate(configFile?.FullName ?? "command line");
        TorchRuntime.Initialize(run.Training.Threads);

        var log = parse.InvocationConfiguration.Output;
        var summary = TrainingRun.Execute(run, log, TrainingOptions.IsTerminal(log), cancellation);
        log.WriteLine($"train: done, {summary.Steps} steps in {summary.Elapsed:hh\\:mm\\:ss}{Describe(summary)}; model in {summary.BestDir}");
        return 0;
    }

    /// <summary>", best accuracy=0.9283 at step 300" (nothing without dev data), then the steps skipped as non-finite, if any.</summary>
    internal static string Describe(TrainingSummary summary) => (summary.BestMetric is { } value
        ? string.Create(CultureInfo.InvariantCulture, $", best {summary.MainMetric}={value:F4} at step {summary.BestStep}")
        : "") + (summary.SkippedSteps > 0 ? $", {summary.SkippedSteps} steps skipped (loss or gradient not finite)" : "");
}
