using Distill.Data;
using Distill.DistillStudent.Augmentation;

namespace Distill.Tests.Augmentation;

public sealed class WordNoiseTests
{
    private static readonly ClassificationExample Example = new("train.csv:2", "a b  c d", null, "1");

    [Fact]
    public void Copies_NoDropNoSwap_SourceWordsUnderNewIds()
    {
        var copies = new WordNoise(0, 0).Copies(Example, position: 0, copies: 2, seed: 7);

        Assert.Equal(["train.csv:2#noise1", "train.csv:2#noise2"], copies.Select(c => c.ExampleId));
        Assert.All(copies, c => Assert.Equal("a b c d", c.TextA));
        Assert.All(copies, c => Assert.Equal("1", c.Label));
    }

    [Fact]
    public void Copies_SwapAlways_FirstWordCarriedToTheEnd()
    {
        // Left to right, each word swaps with its right neighbour: a b c d → b a c d → b c a d → b c d a.
        var copy = Assert.Single(new WordNoise(0, 1).Copies(Example, position: 0, copies: 1, seed: 7));

        Assert.Equal("b c d a", copy.TextA);
    }

    [Fact]
    public void Copies_DropAlmostEverything_OneSourceWordStays()
    {
        var copies = new WordNoise(0.999999, 0).Copies(Example, position: 3, copies: 5, seed: 7);

        Assert.All(copies, c => Assert.Contains(c.TextA, new[] { "a", "b", "c", "d" }));
    }

    [Fact]
    public void Copies_DropThreeTenths_KeepsAboutSevenTenthsOfTheWords()
    {
        var words = Example with { TextA = string.Join(' ', Enumerable.Range(0, 4000).Select(i => $"w{i}")) };

        var kept = new WordNoise(0.3, 0).Copies(words, position: 0, copies: 1, seed: 7)[0].TextA.Split(' ');

        Assert.InRange(kept.Length / 4000.0, 0.67, 0.73);
        Assert.Equal(kept.OrderBy(w => int.Parse(w[1..])), kept); // dropping alone keeps the order
    }

    [Fact]
    public void Copies_SameSeedAndPosition_SameText_OtherSeedOrPosition_Different()
    {
        var words = Example with { TextA = string.Join(' ', Enumerable.Range(0, 50).Select(i => $"w{i}")) };
        var noise = new WordNoise(0.2, 0.2);
        string Text(int position, int seed) => noise.Copies(words, position, 1, seed)[0].TextA;

        Assert.Equal(Text(4, 7), Text(4, 7));
        Assert.NotEqual(Text(4, 7), Text(4, 8));
        Assert.NotEqual(Text(4, 7), Text(5, 7));
    }

    [Theory]
    [InlineData(-0.1, 0)]
    [InlineData(1, 0)]
    [InlineData(0, 1.5)]
    public void Constructor_ProbabilityOutOfRange_Throws(double drop, double swap)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WordNoise(drop, swap));

        Assert.Contains("expected 0 <= drop < 1 and 0 <= swap <= 1", error.Message);
    }
}
