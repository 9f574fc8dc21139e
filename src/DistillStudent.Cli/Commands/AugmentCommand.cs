using System.CommandLine;
using Distill.Cli;
using Distill.Data;
using Distill.DistillStudent.Augmentation;

namespace Distill.DistillStudent.Commands;

/// <summary><c>augment</c>: classification data plus noisy copies of each example, for a teacher to cache and a student to distil on.</summary>
internal sealed class AugmentCommand : Command
{
    private readonly Option<string> data = new("--data") { Description = "classification data (CSV, TSV or JSONL); its text (text_a) gets the noise", Required = true };
    private readonly Option<int> copies = new("--copies") { Description = "noisy copies written after each example", DefaultValueFactory = _ => 1 };
    private readonly Option<double> drop = new("--drop") { Description = "probability of dropping each word (one always stays)", DefaultValueFactory = _ => 0.1 };
    private readonly Option<double> swap = new("--swap") { Description = "probability of swapping each word with its right neighbour", DefaultValueFactory = _ => 0.1 };
    private readonly Option<int> seed = new("--seed") { Description = "seed of the noise", DefaultValueFactory = _ => 42 };
    private readonly Option<string> output = new("--out") { Description = "JSON Lines file to write (atomically): each example, then its copies (ids ID#noise1, ...) with its label; distil on it with hard_label_weight 0", Required = true };

    public AugmentCommand() : base("augment", "Write classification data with noisy copies of each example (words dropped and swapped, seeded) for distillation on more text")
    {
        foreach (var option in new Option[] { data, copies, drop, swap, seed, output })
        {
            Options.Add(option);
        }
        drop.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or >= 1) result.AddError("--drop must be in [0, 1)");
        });
        swap.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or > 1) result.AddError("--swap must be in [0, 1]");
        });
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var examples = ClassificationReader.Read(parse.GetValue(data)!, new DataReadOptions()).Examples;
        var augmented = NoisyData.Augment(examples, new WordNoise(parse.GetValue(drop), parse.GetValue(swap)), parse.GetValue(copies), parse.GetValue(seed));
        var path = parse.GetValue(output)!;
        NoisyData.Write(path, augmented);
        parse.InvocationConfiguration.Output.WriteLine($"augment: {augmented.Count} examples ({examples.Count} and {augmented.Count - examples.Count} noisy copies) written to {path}");
        return ExitCodes.Success;
    }
}
