using System.CommandLine;
using System.Globalization;
using Distill.Cli;
using Distill.Data;
using Distill.DistillStudent.Augmentation;

namespace Distill.DistillStudent.Commands;

/// <summary><c>folds</c>: classification data pooled and split into k folds, each as held-out, training and selection files.</summary>
internal sealed class FoldsCommand : Command
{
    private readonly Option<string[]> data = new("--data") { Description = "classification data (CSV, TSV or JSONL); repeat to pool several files (ids must stay unique: a file's own ids, else FILE:LINE)", Required = true, AllowMultipleArgumentsPerToken = true };
    private readonly Option<int> folds = new("--folds") { Description = "number of folds", DefaultValueFactory = _ => 5 };
    private readonly Option<double> select = new("--select") { Description = "share of each fold's training part set aside to select checkpoints on", DefaultValueFactory = _ => 0.1 };
    private readonly Option<int> seed = new("--seed") { Description = "seed of the split (an example's fold depends only on it, its id and the number of examples)", DefaultValueFactory = _ => 42 };
    private readonly Option<string> output = new("--out") { Description = "directory to write OUT/fold-I/{train,select,held}.jsonl into (I = 1 … k; each file atomically)", Required = true };

    public FoldsCommand() : base("folds", "Split classification data into k deterministic folds: per fold a held-out part, and the rest as a training part and a selection part")
    {
        foreach (var option in new Option[] { data, folds, select, seed, output })
        {
            Options.Add(option);
        }
        select.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is <= 0 or >= 1) result.AddError("--select must be in (0, 1)");
        });
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var examples = parse.GetValue(data)!.SelectMany(path => ClassificationReader.Read(path, new DataReadOptions()).Examples).ToList();
        var k = parse.GetValue(folds);
        var root = parse.GetValue(output)!;
        for (var fold = 0; fold < k; fold++)
        {
            var parts = Folds.Split(examples, e => e.ExampleId, k, fold, parse.GetValue(select), parse.GetValue(seed));
            var dir = Path.Combine(root, $"fold-{(fold + 1).ToString(CultureInfo.InvariantCulture)}");
            Directory.CreateDirectory(dir);
            NoisyData.Write(Path.Combine(dir, "train.jsonl"), parts.Train);
            NoisyData.Write(Path.Combine(dir, "select.jsonl"), parts.Select);
            NoisyData.Write(Path.Combine(dir, "held.jsonl"), parts.Held);
            parse.InvocationConfiguration.Output.WriteLine($"folds: {dir}: {parts.Train.Count} train, {parts.Select.Count} select, {parts.Held.Count} held out");
        }
        return ExitCodes.Success;
    }
}
