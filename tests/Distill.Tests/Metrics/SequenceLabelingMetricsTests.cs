using Distill.Metrics;

namespace Distill.Tests.Metrics;

public sealed class SequenceLabelingMetricsTests
{
    public static TheoryData<string[], (int, int, string)[]> Spans => new()
    {
        { ["B-PER", "I-PER", "O", "B-LOC"], [(0, 1, "PER"), (3, 3, "LOC")] },
        // IOB1: an I- tag after O or after another type opens an entity.
        { ["I-PER", "I-PER", "O", "I-LOC", "I-ORG"], [(0, 1, "PER"), (3, 3, "LOC"), (4, 4, "ORG")] },
        { ["B-PER", "B-PER", "I-PER"], [(0, 0, "PER"), (1, 2, "PER")] },
        { ["B-PER", "I-LOC", "I-LOC"], [(0, 0, "PER"), (1, 2, "LOC")] },
        { ["S-PER", "B-LOC", "I-LOC", "E-LOC", "O"], [(0, 0, "PER"), (1, 3, "LOC")] },
        // An entity closed by E- cannot be continued; the I- after it opens a new one.
        { ["B-LOC", "E-LOC", "I-LOC"], [(0, 1, "LOC"), (2, 2, "LOC")] },
        { ["O", "E-MISC", "S-MISC"], [(1, 1, "MISC"), (2, 2, "MISC")] },
        { ["O", "O"], [] },
    };

    [Theory]
    [MemberData(nameof(Spans))]
    public void Entities_Tags_GivesSpansWithInclusiveEnd(string[] tags, (int, int, string)[] expected)
    {
        var spans = SequenceLabelingMetrics.Entities(tags).Select(s => (s.Start, s.End, s.Type));

        Assert.Equal(expected, spans);
    }

    [Fact]
    public void EntityF1_OneOfThreeGoldFound_CountsAndScores()
    {
        IReadOnlyList<IReadOnlyList<string>> gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]];
        IReadOnlyList<IReadOnlyList<string>> predicted = [["B-PER", "I-PER", "O", "B-ORG"], ["O", "O"]];

        var scores = SequenceLabelingMetrics.EntityF1(gold, predicted);

        // Gold: PER(0,1), LOC(3,3), ORG(0,0); predicted: PER(0,1), ORG(3,3); only PER matches.
        Assert.Equal((3, 2, 1), (scores.GoldCount, scores.PredictedCount, scores.CorrectCount));
        Assert.Equal(0.5, scores.Precision, 12);
        Assert.Equal(1.0 / 3, scores.Recall, 12);
        Assert.Equal(0.4, scores.F1, 12);
    }

    [Fact]
    public void EntityF1_SpanEndsDiffer_NotCorrect()
    {
        var scores = SequenceLabelingMetrics.EntityF1([["B-PER", "I-PER", "O"]], [["B-PER", "O", "O"]]);

        Assert.Equal(0, scores.CorrectCount);
        Assert.Equal(0, scores.F1);
    }

    [Fact]
    public void EntityF1_NoEntitiesAnywhere_AllZero()
    {
        var scores = SequenceLabelingMetrics.EntityF1([["O", "O"]], [["O", "O"]]);

        Assert.Equal(new EntityScores(0, 0, 0, 0, 0, 0), scores);
    }

    [Fact]
    public void TokenAccuracy_FourOfSixTokens_IsTwoThirds()
    {
        IReadOnlyList<IReadOnlyList<string>> gold = [["B-PER", "I-PER", "O", "B-LOC"], ["B-ORG", "O"]];
        IReadOnlyList<IReadOnlyList<string>> predicted = [["B-PER", "I-PER", "O", "B-ORG"], ["O", "O"]];

        Assert.Equal(4.0 / 6, SequenceLabelingMetrics.TokenAccuracy(gold, predicted), 12);
    }

    [Fact]
    public void TokenAccuracy_SentenceLengthsDiffer_ErrorNamesSentence()
    {
        IReadOnlyList<IReadOnlyList<string>> gold = [["O"], ["O", "B-PER"]];
        IReadOnlyList<IReadOnlyList<string>> predicted = [["O"], ["O"]];

        var error = Assert.Throws<ArgumentException>(() => SequenceLabelingMetrics.TokenAccuracy(gold, predicted));

        Assert.Contains("sentence 1 has 2 gold tags but 1 predicted tags", error.Message);
    }

    [Fact]
    public void EntityF1_SentenceCountsDiffer_ErrorNamesBothCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => SequenceLabelingMetrics.EntityF1([["O"], ["O"]], [["O"]]));

        Assert.Contains("2 gold and 1 predicted sentences", error.Message);
    }

    [Fact]
    public void EntityF1_MalformedTag_ErrorQuotesTagAndPlace()
    {
        var error = Assert.Throws<ArgumentException>(() => SequenceLabelingMetrics.EntityF1([["O", "O"]], [["O", "PER"]]));

        Assert.Contains("predicted sentence 0, position 1: tag \"PER\"", error.Message);
    }
}
