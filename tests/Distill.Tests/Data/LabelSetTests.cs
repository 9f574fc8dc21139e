using Distill.Data;

namespace Distill.Tests.Data;

public sealed class LabelSetTests
{
    [Fact]
    public void FromLabels_AllIntegers_NumericOrder()
    {
        var labels = LabelSet.FromLabels(["10", "2", "-1", "2", "0"]);

        Assert.Equal(["-1", "0", "2", "10"], labels.Labels);
        Assert.Equal(4, labels.Count);
    }

    [Fact]
    public void FromLabels_NotAllIntegers_OrdinalOrder()
    {
        var labels = LabelSet.FromLabels(["neg", "10", "Pos", "2", "neg"]);

        Assert.Equal(["10", "2", "Pos", "neg"], labels.Labels);
    }

    [Fact]
    public void FromLabels_NoLabels_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => LabelSet.FromLabels([]));

        Assert.StartsWith("expected at least one label, found none", error.Message);
    }

    [Fact]
    public void FromOrdered_KeepsTheGivenOrder()
    {
        Assert.Equal(["O", "B-PER", "I-PER"], LabelSet.FromOrdered(["O", "B-PER", "I-PER"]).Labels);
    }

    [Fact]
    public void FromOrdered_RepeatedLabel_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => LabelSet.FromOrdered(["O", "B", "O"]));

        Assert.StartsWith("label \"O\" appears twice, at ids 0 and 2", error.Message);
    }

    [Fact]
    public void FromExamples_UsesEachExamplesLabel()
    {
        var labels = LabelSet.FromExamples(
        [
            new ClassificationExample("a", "t", null, "1"),
            new ClassificationExample("b", "t", null, "0"),
            new ClassificationExample("c", "t", null, "1"),
        ]);

        Assert.Equal(["0", "1"], labels.Labels);
    }

    [Fact]
    public void IndexLookups_KnownAndUnknownLabels()
    {
        var labels = LabelSet.FromLabels(["pos", "neg"]);

        Assert.Equal(1, labels.IndexOf("pos"));
        Assert.Equal("neg", labels[0]);
        Assert.True(labels.TryGetIndex("neg", out var index));
        Assert.Equal(0, index);
        Assert.False(labels.TryGetIndex("Pos", out _));
        var error = Assert.Throws<KeyNotFoundException>(() => labels.IndexOf("neutral"));
        Assert.Equal("unknown label \"neutral\" (expected one of: neg, pos)", error.Message);
    }

    [Fact]
    public void Id2Label_RoundTrip_KeepsOrder()
    {
        var labels = LabelSet.FromLabels(["entailment", "neutral", "contradiction"]);

        var id2Label = labels.ToId2Label();
        var back = LabelSet.FromId2Label(id2Label);

        Assert.Equal(
            new Dictionary<string, string> { ["0"] = "contradiction", ["1"] = "entailment", ["2"] = "neutral" },
            id2Label);
        Assert.Equal(labels.Labels, back.Labels);
    }

    [Fact]
    public void FromId2Label_KeysOutOfOrder_OrderedById()
    {
        var labels = LabelSet.FromId2Label(new Dictionary<string, string> { ["1"] = "POSITIVE", ["0"] = "NEGATIVE" });

        Assert.Equal(["NEGATIVE", "POSITIVE"], labels.Labels);
    }

    [Theory]
    [InlineData("2", "id2label key \"2\" is not a class id (expected the integers 0..1)")]
    [InlineData("01", "id2label key \"01\" is not a class id (expected the integers 0..1)")]
    [InlineData("one", "id2label key \"one\" is not a class id (expected the integers 0..1)")]
    [InlineData("-1", "id2label key \"-1\" is not a class id (expected the integers 0..1)")]
    public void FromId2Label_BadKey_ErrorNamesTheKey(string badKey, string expected)
    {
        var id2Label = new Dictionary<string, string> { ["0"] = "a", [badKey] = "b" };

        var error = Assert.Throws<ArgumentException>(() => LabelSet.FromId2Label(id2Label));

        Assert.StartsWith(expected, error.Message);
    }

    [Fact]
    public void FromId2Label_RepeatedLabel_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            LabelSet.FromId2Label(new Dictionary<string, string> { ["0"] = "a", ["1"] = "a" }));

        Assert.StartsWith("label \"a\" appears twice, at ids 0 and 1", error.Message);
    }
}
