using Distill.Metrics;

namespace Distill.Tests.Metrics;

public sealed class SquadMetricsTests
{
    [Theory]
    [InlineData("The  Quick, brown fox!", "quick brown fox")]
    [InlineData("an apple a day", "apple day")]
    [InlineData("Theater anthem", "theater anthem")]
    [InlineData("$5 + 3 = 8", "5 3 8")]
    [InlineData("\u201cParis\u201d \u2014 France", "paris france")]
    [InlineData("  ", "")]
    public void Normalize_Text_LowerCasesAndDropsPunctuationAndArticles(string text, string expected)
    {
        Assert.Equal(expected, SquadMetrics.Normalize(text));
    }

    [Theory]
    [InlineData("the Eiffel Tower", 1.0)]
    [InlineData("Eiffel", 0.0)]
    public void ExactMatch_AnyAnswerAfterNormalization_IsOne(string prediction, double expected)
    {
        Assert.Equal(expected, SquadMetrics.ExactMatch(prediction, ["Paris", "Eiffel tower."]));
    }

    [Theory]
    // big red dog vs red dog: 2 common, P 2/3, R 1 -> 0.8; vs cat: 0.
    [InlineData("the big red dog", 0.8)]
    // A repeated word counts as often as it occurs in both: 1 common, P 1/3, R 1/2 -> 0.4.
    [InlineData("dog dog dog", 0.4)]
    [InlineData("a horse", 0.0)]
    [InlineData("", 0.0)]
    public void F1_TokenOverlap_BestOverAnswers(string prediction, double expected)
    {
        Assert.Equal(expected, SquadMetrics.F1(prediction, ["red dog", "a cat"]), 12);
    }

    [Fact]
    public void Evaluate_TwoExamples_AveragesAsFractions()
    {
        (string, IReadOnlyList<string>)[] examples = [("Paris", ["paris"]), ("big red dog", ["red dog"])];

        var (exact, f1) = SquadMetrics.Evaluate(examples);

        Assert.Equal(0.5, exact, 12);
        Assert.Equal(0.9, f1, 12);
    }

    [Fact]
    public void F1_NoAnswers_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => SquadMetrics.F1("x", []));

        Assert.Contains("at least one gold answer", error.Message);
    }

    [Fact]
    public void Evaluate_NoExamples_Throws()
    {
        Assert.Throws<ArgumentException>(() => SquadMetrics.Evaluate([]));
    }
}
