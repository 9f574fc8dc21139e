using System.CommandLine;
using Distill.Cli;
using Distill.DistillStudent.Configuration;

namespace Distill.DistillStudent.Commands;

/// <summary>
/// The options that <c>train</c> and <c>distill</c> share, declared once: each overrides the same field of the
/// training config read from a file.
/// </summary>
internal sealed class TrainingOptions
{
    private readonly Option<string> task = new("--task") { Description = "classification | tagging | qa" };
    private readonly Option<string> trainFile = new("--train") { Description = "training data (JSONL/CSV/TSV, CoNLL or word/TAG, SQuAD JSON)" };
    private readonly Option<string> devFile = new("--dev") { Description = "dev data, evaluated at each checkpoint; the best checkpoint is kept in OUT/best" };
    private readonly Option<string> output = new("--out") { Description = "output directory (checkpoints, best model, logs); rerun the same command to resume" };
    private readonly Option<int?> epochs = new("--epochs") { Description = "number of epochs (default 3)" };
    private readonly Option<double?> learningRate = new("--lr") { Description = "peak learning rate (default 5e-5)" };
    private readonly Option<int?> batchSize = new("--batch-size") { Description = "examples per batch (default 32)" };
    private readonly Option<int?> seed = new("--seed") { Description = "random seed (default 42)" };
    private readonly Option<int?> threads = new("--threads") { Description = "CPU threads (default 1)" };
    private readonly Option<bool> groupByLength = new("--group-by-length") { Description = "batches of rows of similar length: less padding, faster steps on texts of mixed length (the config's group_by_length)" };
    private readonly DataReadingOptions data = new();

    /// <summary>The default schedule in the help of train and distill, from the config's own defaults so that it cannot drift.</summary>
    public static readonly string DefaultsNote = $"Defaults: {new TrainingConfig().ScheduleSummary()}; a training config sets warmup_proportion, weight_decay and max_grad_norm (0 turns clipping off).";

    public IEnumerable<Option> All => [task, trainFile, devFile, output, epochs, learningRate, batchSize, seed, threads, groupByLength, .. data.All];

    /// <summary>The config with every option given on the command line in place of its value.</summary>
    public TrainingConfig Merge(ParseResult parse, TrainingConfig config) => config.WithDataSettings(data.Apply(parse, config.DataSettings)) with
    {
        Task = parse.GetValue(task) ?? config.Task,
        TrainFile = parse.GetValue(trainFile) ?? config.TrainFile,
        DevFile = parse.GetValue(devFile) ?? config.DevFile,
        OutputDir = parse.GetValue(output) ?? config.OutputDir,
        NumEpochs = parse.GetValue(epochs) ?? config.NumEpochs,
        LearningRate = parse.GetValue(learningRate) ?? config.LearningRate,
        BatchSize = parse.GetValue(batchSize) ?? config.BatchSize,
        Seed = parse.GetValue(seed) ?? config.Seed,
        Threads = parse.GetValue(threads) ?? config.Threads,
        GroupByLength = parse.GetValue(groupByLength) || config.GroupByLength,
    };

    /// <summary>Whether the log is a terminal that a person watches (a progress bar) or a batch job's file (plain lines).</summary>
    public static bool IsTerminal(TextWriter log) => log == Console.Out && !Console.IsOutputRedirected;
}
