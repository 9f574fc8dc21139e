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
    private readonly Option<double?> drop = new("--drop") { Description = "probability of dropping each word (one always stays); default 0.1, or 0 with --neighbours" };
    private readonly Option<double?> swap = new("--swap") { Description = "probability of swapping each word with its right neighbour; default 0.1, or 0 with --neighbours" };
    private readonly Option<string?> neighbours = new("--neighbours") { Description = "a model directory (config.json, vocab.txt, safetensors weights; e.g. the teacher's best/): replace words by their nearest words in its word embeddings first (TinyBERT's augmentation with embedding neighbours in place of a masked language model)" };
    private readonly Option<double> replace = new("--replace") { Description = "with --neighbours: probability of replacing each word that is one whole token of the vocabulary", DefaultValueFactory = _ => 0.4 };
    private readonly Option<int> candidates = new("--candidates") { Description = "with --neighbours: nearest words a replacement is drawn from, uniformly", DefaultValueFactory = _ => 15 };
    private readonly Option<int> seed = new("--seed") { Description = "seed of the noise", DefaultValueFactory = _ => 42 };
    private readonly Option<string> output = new("--out") { Description = "JSON Lines file to write (atomically): each example, then its copies (ids ID#noise1, ...) with its label; distil on it with hard_label_weight 0", Required = true };

    public AugmentCommand() : base("augment", "Write classification data with noisy copies of each example (words replaced by embedding neighbours, dropped, swapped; seeded) for distillation on more text")
    {
        foreach (var option in new Option[] { data, copies, drop, swap, neighbours, replace, candidates, seed, output })
        {
            Options.Add(option);
        }
        drop.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is < 0 or >= 1) result.AddError("--drop must be in [0, 1)");
        });
        swap.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is < 0 or > 1) result.AddError("--swap must be in [0, 1]");
        });
        replace.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double>() is < 0 or > 1) result.AddError("--replace must be in [0, 1]");
        });
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var examples = ClassificationReader.Read(parse.GetValue(data)!, new DataReadOptions()).Examples;
        var model = parse.GetValue(neighbours);
        var replacement = model is null ? null
            : WordNeighbours.FromModel(model, examples.Select(e => e.TextA), parse.GetValue(candidates), parse.GetValue(replace));
        var unset = replacement is null ? 0.1 : 0;
        var noise = new WordNoise(parse.GetValue(drop) ?? unset, parse.GetValue(swap) ?? unset, replacement);
        var augmented = NoisyData.Augment(examples, noise, parse.GetValue(copies), parse.GetValue(seed));
        var path = parse.GetValue(output)!;
        NoisyData.Write(path, augmented);
        if (replacement is not null)
        {
            parse.InvocationConfiguration.Output.WriteLine($"augment: {replacement.Candidates.Count} distinct words of the data have neighbours in {model}");
        }
        parse.InvocationConfiguration.Output.WriteLine($"augment: {augmented.Count} examples ({examples.Count} and {augmented.Count - examples.Count} noisy copies) written to {path}");
        return ExitCodes.Success;
    }
}
