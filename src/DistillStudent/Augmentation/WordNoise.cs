using Distill.Data;

namespace Distill.DistillStudent.Augmentation;

/// <summary>
/// Noisy copies of a text for distillation on more text than is labelled (TextBrewer's experiments distil on
/// augmented data, as TinyBERT does): each word is dropped with <see cref="DropProbability"/> (one word always
/// stays), then each word is swapped with its right neighbour with <see cref="SwapProbability"/>. Words are split on
/// white space, as the pre-tokenized sentence corpora are. A copy keeps its source's label only because the readers
/// need one; it is meant for a distillation whose hard-label weight is 0, where the teacher's outputs are the targets.
/// With <see cref="Replacement"/>, words are first replaced by embedding neighbours (TinyBERT's kind of noise), then
/// dropped and swapped.
/// </summary>
internal sealed record WordNoise
{
    public WordNoise(double dropProbability, double swapProbability, WordNeighbours? replacement = null)
    {
        if (dropProbability is < 0 or >= 1 || swapProbability is < 0 or > 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dropProbability),
                $"word noise: expected 0 <= drop < 1 and 0 <= swap <= 1, found drop {dropProbability}, swap {swapProbability}");
        }
        DropProbability = dropProbability;
        SwapProbability = swapProbability;
        Replacement = replacement;
    }

    public double DropProbability { get; }
    public double SwapProbability { get; }
    public WordNeighbours? Replacement { get; }

    /// <summary>Each copy of one example draws from its own generator, seeded by the run's seed and the example's
    /// position, so a copy does not change when other examples are added after it.</summary>
    public IReadOnlyList<ClassificationExample> Copies(ClassificationExample example, int position, int copies, int seed)
    {
        ArgumentNullException.ThrowIfNull(example);
        ArgumentOutOfRangeException.ThrowIfNegative(copies);
        var random = new Random(unchecked(seed * 1_000_003 + position));
        var words = example.TextA.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return Enumerable.Range(1, copies)
            .Select(copy => example with { ExampleId = $"{example.ExampleId}#noise{copy}", TextA = string.Join(' ', Noisy(words, random)) })
            .ToList();
    }

    private List<string> Noisy(string[] source, Random random)
    {
        // Without a replacement no draw is spent on it, so drop-and-swap copies stay what earlier builds wrote.
        var words = Replacement is null ? source : source.Select(word => Replacement.Replace(word, random)).ToArray();
        var kept = words.Where(_ => random.NextDouble() >= DropProbability).ToList();
        if (kept.Count == 0) kept.Add(words[random.Next(words.Length)]);
        for (var i = 0; i + 1 < kept.Count; i++)
        {
            if (random.NextDouble() < SwapProbability) (kept[i], kept[i + 1]) = (kept[i + 1], kept[i]);
        }
        return kept;
    }
}
