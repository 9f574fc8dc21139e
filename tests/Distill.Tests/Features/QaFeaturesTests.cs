using Distill.Data;
using Distill.Features;

namespace Distill.Tests.Features;

public sealed class QaFeaturesTests : IDisposable
{
    // Eight one-letter tokens at chars 0, 2, ..., 14; the question "Who is?" is 3 tokens.
    private const string Letters = "a b c d e f g h";
    private const string Question = "Who is?";
    private readonly TinyVocabulary vocabulary = new();

    public void Dispose() => vocabulary.Dispose();

    private static QaExample Example(params QaAnswer[] answers) => new("q1", Question, Letters, answers);

    // maxLength 10 = [CLS] + 3 question tokens + [SEP] + 4 context tokens + [SEP]; windows start at tokens 0, 2, 4.
    private IReadOnlyList<QaFeature> Windows(QaExample example) =>
        QaFeatures.Windows(vocabulary.Encoder, example, maxLength: 10, stride: 2, maxQueryLength: 64);

    private static int[] ContextIds(QaFeature window) =>
        window.Text.Ids.Where((_, i) => window.Text.Segments[i] == 1).ToArray();

    [Fact]
    public void Windows_LongContext_OverlapByStrideAndEndAtContextEnd()
    {
        var windows = Windows(Example());

        Assert.Equal(3, windows.Count);
        Assert.Equal([0, 1, 2], windows.Select(w => w.WindowIndex));
        Assert.All(windows, w => Assert.Equal("q1", w.ExampleId));
        Assert.Equal([2, 11, 12, 13, 3, 19, 20, 21, 22, 3], windows[0].Text.Ids);
        Assert.Equal([21, 22, 23, 24], ContextIds(windows[1])); // c d e f: shares c d with window 0
        Assert.Equal([23, 24, 25, 26], ContextIds(windows[2])); // e f g h: the context's end
        Assert.Equal([-1, 0, 0, 0, -1, 1, 1, 1, 1, -1], windows[1].Text.Segments);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1, 1], windows[1].Text.TypeIds);
        Assert.All(windows, w => Assert.True(w.Text.Truncated));
    }

    [Fact]
    public void Windows_ContextOffsets_PointIntoTheContext()
    {
        var windows = Windows(Example());

        Assert.Equal([(0, 0), (0, 3), (4, 6), (6, 7), (0, 0), (4, 5), (6, 7), (8, 9), (10, 11), (0, 0)], windows[1].Text.Offsets);
    }

    [Fact]
    public void Windows_ContextFits_OneUntruncatedWindow()
    {
        var windows = QaFeatures.Windows(vocabulary.Encoder, Example(), maxLength: 64, stride: 2, maxQueryLength: 64);

        var window = Assert.Single(windows);
        Assert.Equal(3 + 8 + 3, window.Text.Length);
        Assert.False(window.Text.Truncated);
    }

    [Fact]
    public void Windows_LastWindowWouldBeFull_NoEmptyTrailingWindow()
    {
        // Window of 6 tokens, stride 2: starts 0 and 4; the second ends exactly at token 8.
        var windows = QaFeatures.Windows(vocabulary.Encoder, Example(), maxLength: 12, stride: 2, maxQueryLength: 64);

        Assert.Equal(2, windows.Count);
        Assert.Equal([23, 24, 25, 26], ContextIds(windows[1]));
    }

    [Fact]
    public void Windows_AnswerInOneWindow_LabelledThereOnly()
    {
        var windows = Windows(Example(new QaAnswer("b", 2)));

        // "b" is context token 1: in window 0 at 5 + 1.
        Assert.Equal([(6, 6), (0, 0), (0, 0)], windows.Select(w => (w.StartPosition, w.EndPosition)));
    }

    [Fact]
    public void Windows_AnswerStraddlingABoundary_LabelledOnlyWhereWhole()
    {
        // "d e f" = tokens 3..5: window 0 (0..3) cuts it, window 1 (2..5) holds it, window 2 (4..7) misses its start.
        var windows = Windows(Example(new QaAnswer("d e f", 6)));

        Assert.Equal([(0, 0), (6, 8), (0, 0)], windows.Select(w => (w.StartPosition, w.EndPosition)));
        Assert.Equal((6, 7), windows[1].Text.Offsets[6]);
        Assert.Equal((10, 11), windows[1].Text.Offsets[8]);
    }

    [Fact]
    public void Windows_AnswerAtContextEnd_LabelledOnLastContextToken()
    {
        var windows = Windows(Example(new QaAnswer("h", 14)));

        Assert.Equal([(0, 0), (0, 0), (8, 8)], windows.Select(w => (w.StartPosition, w.EndPosition)));
        Assert.Equal(3, windows[2].Text.Ids[9]); // [SEP] follows it
    }

    [Fact]
    public void Windows_AnswerInsideAWordPiece_LabelsTheContainingPieces()
    {
        const string context = "the cat is unbelievable";
        var example = new QaExample("q2", "who", context, [new QaAnswer("lievab", 15)]);

        var window = Assert.Single(QaFeatures.Windows(vocabulary.Encoder, example, maxLength: 32, stride: 4, maxQueryLength: 64));

        // [CLS] who [SEP] the cat is un ##believ ##able [SEP]: "lievab" runs from ##believ (7) into ##able (8).
        Assert.Equal((7, 8), (window.StartPosition, window.EndPosition));
        Assert.Equal("believable", context[window.Text.Offsets[7].Start..window.Text.Offsets[8].End]);
    }

    [Fact]
    public void Windows_AnswerWithSurroundingSpaces_LabelsTheTokensInside()
    {
        var windows = Windows(Example(new QaAnswer(" b c ", 1)));

        Assert.Equal((6, 7), (windows[0].StartPosition, windows[0].EndPosition));
    }

    [Fact]
    public void Windows_OnlyFirstAnswerIsUsed()
    {
        var windows = Windows(Example(new QaAnswer("h", 14), new QaAnswer("a", 0)));

        Assert.Equal((0, 0), (windows[0].StartPosition, windows[0].EndPosition));
        Assert.Equal((8, 8), (windows[2].StartPosition, windows[2].EndPosition));
    }

    [Fact]
    public void Windows_NoAnswer_AllLabelsOnCls()
    {
        var windows = Windows(Example());

        Assert.All(windows, w => Assert.Equal((0, 0), (w.StartPosition, w.EndPosition)));
    }

    [Fact]
    public void Windows_LongQuestion_TruncatedToMaxQueryLength()
    {
        // Question keeps "who is"; the window grows to 10 - 2 - 3 = 5 tokens, so windows start at 0 and 3.
        var windows = QaFeatures.Windows(vocabulary.Encoder, Example(new QaAnswer("e", 8)), maxLength: 10, stride: 2, maxQueryLength: 2);

        Assert.Equal(2, windows.Count);
        Assert.Equal([2, 11, 12, 3, 19, 20, 21, 22, 23, 3], windows[0].Text.Ids);
        Assert.Equal([22, 23, 24, 25, 26], ContextIds(windows[1]));
        // "e" is token 4: index 4 + 4 in window 0, (4 - 3) + 4 in window 1.
        Assert.Equal([(8, 8), (5, 5)], windows.Select(w => (w.StartPosition, w.EndPosition)));
    }

    [Fact]
    public void Windows_ShortQuestionFitsWhole_NotTruncated()
    {
        var windows = QaFeatures.Windows(vocabulary.Encoder, Example(), maxLength: 64, stride: 2, maxQueryLength: 3);

        Assert.False(Assert.Single(windows).Text.Truncated);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void Windows_StrideNotBelowWindowSize_Throws(int stride)
    {
        var error = Assert.Throws<ArgumentException>(() =>
            QaFeatures.Windows(vocabulary.Encoder, Example(), maxLength: 10, stride: stride, maxQueryLength: 64));

        Assert.Equal("stride", error.ParamName);
        Assert.Contains($"stride {stride} must be smaller than the context window of 4 tokens", error.Message);
    }

    [Fact]
    public void Windows_NoRoomForContext_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() =>
            QaFeatures.Windows(vocabulary.Encoder, Example(), maxLength: 6, stride: 0, maxQueryLength: 64));

        Assert.Equal("maxLength", error.ParamName);
    }

    [Fact]
    public void Windows_AnswerOutsideContext_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => Windows(Example(new QaAnswer("h i", 14))));

        Assert.Contains("example q1", error.Message);
    }
}
