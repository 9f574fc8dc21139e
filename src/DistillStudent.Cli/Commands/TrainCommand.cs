using System.CommandLine;
using System.Globalization;
using Distill.Configuration;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Training;
using Distill.Runtime;

namespace Distill.DistillStudent.Commands;

/// <summary><c>train</c>: supervised training of a task model (TextBrewer's BasicTrainer), resumable.</summary>
internal sealed class TrainCommand : Command
{
    private readonly Option<FileInfo> config = new("--config") { Description = "training config JSON (TextBrewer TrainingConfig names); flags below override it" };
    private readonly Option<string> model = new("--model") { Description = "Hugging Face model directory to start from (e.g. an imported MiniLM)" };
    private readonly Option<string> task = new("--task") { Description = "classification | tagging | qa" };
    private readonly Option<string> trainFile = new("--train") { Description = "training data (JSONL/CSV/TSV, CoNLL or word/TAG, SQuAD JSON)" };
    private readonly Option<string> devFile = new("--dev") { Description = "dev data, evaluated at each checkpoint; the best checkpoint is kept in OUT/best" };
    private readonly Option<string> output = new("--out") { Description = "output directory (checkpoints, best model, logs); rerun the same command to resume" };
    private readonly Option<int?> epochs = new("--epochs") { Description = "number of epochs (default 3)" };
    private readonly Option<double?> learningRate = new("--lr") { Description = "peak learning rate (default 5e-5)" };
    private readonly Option<int?> batchSize = new("--batch-size") { Description = "examples per batch (default 32)" };
    private readonly Option<int?> maxSeqLength = new("--max-seq-length") { Description = "longer inputs are truncated, with a counted warning (default 128)" };
    private readonly Option<int?> docStride = new("--doc-stride") { Description = "QA: tokens shared by consecutive context windows (default 64)" };
    private readonly Option<int?> maxQueryLength = new("--max-query-length") { Description = "QA: longer questions are cut to this many tokens (default 64)" };
    private readonly Option<int?> seed = new("--seed") { Description = "random seed (default 42)" };
    private readonly Option<int?> threads = new("--threads") { Description = "CPU threads (default 1)" };
    private readonly Option<bool> skipBad = new("--skip-bad") { Description = "skip and count bad input records instead of failing" };

    public TrainCommand() : base("train", "Train a task model on labelled data (BasicTrainer): AdamW, warm-up, clipping, checkpoints, best model, resume")
    {
        foreach (var option in new Option[] { config, model, task, trainFile, devFile, output, epochs, learningRate, batchSize, maxSeqLength, docStride, maxQueryLength, seed, threads, skipBad })
        {
            Options.Add(option);
        }
        SetAction((parse, cancellation) => Task.FromResult(Execute(parse, cancellation)));
    }

    private int Execute(ParseResult parse, CancellationToken cancellation)
    {
        var configFile = parse.GetValue(config);
        var source = configFile?.FullName ?? "command line";
        var fromFile = configFile is null ? new TrainingConfig() : TrainingConfig.Load(configFile.FullName);
        var merged = fromFile with
        {
            Model = parse.GetValue(model) ?? fromFile.Model,
            Task = parse.GetValue(task) ?? fromFile.Task,
            TrainFile = parse.GetValue(trainFile) ?? fromFile.TrainFile,
            DevFile = parse.GetValue(devFile) ?? fromFile.DevFile,
            OutputDir = parse.GetValue(output) ?? fromFile.OutputDir,
            NumEpochs = parse.GetValue(epochs) ?? fromFile.NumEpochs,
            LearningRate = parse.GetValue(learningRate) ?? fromFile.LearningRate,
            BatchSize = parse.GetValue(batchSize) ?? fromFile.BatchSize,
            MaxSeqLength = parse.GetValue(maxSeqLength) ?? fromFile.MaxSeqLength,
            DocStride = parse.GetValue(docStride) ?? fromFile.DocStride,
            MaxQueryLength = parse.GetValue(maxQueryLength) ?? fromFile.MaxQueryLength,
            Seed = parse.GetValue(seed) ?? fromFile.Seed,
            Threads = parse.GetValue(threads) ?? fromFile.Threads,
            SkipBad = parse.GetValue(skipBad) || fromFile.SkipBad,
        };
        merged.Validate(source);
        TorchRuntime.Initialize(merged.Threads);

        var log = parse.InvocationConfiguration.Output;
        // A progress bar only where a person watches; batch jobs get plain periodic lines.
        var isTerminal = log == Console.Out && !Console.IsOutputRedirected;
        var summary = TrainingRun.Execute(merged, log, isTerminal, cancellation);
        var best = summary.BestMetric is { } value
            ? string.Create(CultureInfo.InvariantCulture, $", best {summary.MainMetric}={value:F4} at step {summary.BestStep}")
            : "";
        log.WriteLine($"train: done, {summary.Steps} steps in {summary.Elapsed:hh\\:mm\\:ss}{best}; model in {summary.BestDir}");
        return 0;
    }
}
