using System.CommandLine;
using Distill.DistillStudent.MultiTask;
using Distill.Runtime;

namespace Distill.DistillStudent.Commands;

/// <summary><c>distill-multitask</c>: distils one student with a head per task from each task's teacher cache, resumable.</summary>
internal sealed class DistillMultiTaskCommand : Command
{
    private readonly Option<FileInfo> config = new("--config")
    {
        Description = "the run as JSON: {\"training\": {...}, \"distillation\": {...}, \"num_steps\", \"tau\", "
            + "\"tasks\": [{\"name\", \"task\", \"train\", \"dev\", \"cache\"}]}",
        Required = true,
    };
    private readonly Option<string> student = new("--student") { Description = "the student's model directory (overrides training.model)" };
    private readonly Option<string> output = new("--out") { Description = "output directory (overrides training.output_dir); rerun the same command to resume" };
    private readonly Option<int?> threads = new("--threads") { Description = "CPU threads (overrides training.threads)" };

    public DistillMultiTaskCommand() : base("distill-multitask", "Distil one student with a head per task (TextBrewer's MultiTaskDistiller: batches drawn per task with probability ∝ size^tau); rerun to resume")
    {
        foreach (var option in new Option[] { config, student, output, threads }) Options.Add(option);
        SetAction((parse, cancellation) => Task.FromResult(Execute(parse, cancellation)));
    }

    private int Execute(ParseResult parse, CancellationToken cancellation)
    {
        var file = parse.GetValue(config)!.FullName;
        var fromFile = MultiTaskConfig.Load(file);
        var run = (fromFile with
        {
            Training = fromFile.Training with
            {
                Model = parse.GetValue(student) ?? fromFile.Training.Model,
                OutputDir = parse.GetValue(output) ?? fromFile.Training.OutputDir,
                Threads = parse.GetValue(threads) ?? fromFile.Training.Threads,
            },
        }).Validate(file);
        TorchRuntime.Initialize(run.Training.Threads);

        var log = parse.InvocationConfiguration.Output;
        var summary = MultiTaskRun.Execute(run, log, TrainingOptions.IsTerminal(log), cancellation);
        log.WriteLine($"distill-multitask: done, {summary.Steps} steps in {summary.Elapsed:hh\\:mm\\:ss}{TrainCommand.Describe(summary)}; "
            + $"student in {summary.BestDir} (one directory per task head)");
        return 0;
    }
}
