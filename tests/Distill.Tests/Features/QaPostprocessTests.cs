using Distill.Data;
using Distill.Features;

namespace Distill.Tests.Features;

public sealed class QaPostprocessTests : IDisposable
{
    // Context tokens: The(0,3) Café(4,8) is(9,11) in(12,14) Paris(15,20) .(20,21).
    // Sequence: [CLS] where is the cafe ? [SEP] | the=7 cafe=8 is=9 in=10 paris=11 .=12 | [SEP]=13.
    private const string Context = "The Café is in Paris.";
    private readonly TinyVocabulary vocabulary = new();

    public void Dispose() => vocabulary.Dispose();

    private QaFeature Window()
    {
        var example = new QaExample("q1", "Where is the café?", Context, []);
        return Assert.Single(QaFeatures.Windows(vocabulary.Encoder, example, maxLength: 16, stride: 2, maxQueryLength: 64));
    }

    private static float[] Logits(int length, params (int Index, float Value)[] peaks)
    {
        var logits = new float[length];
        foreach (var (index, value) in peaks) logits[index] = value;
        return logits;
    }

    private static QaPrediction Best(QaFeature window, float[] start, float[] end, int nBest = 20, int maxAnswerLength = 30) =>
        QaPostprocess.BestAnswer(Context, [window], [start], [end], nBest, maxAnswerLength);

    [Fact]
    public void BestAnswer_ClearPeak_OriginalSubstringWithCasing()
    {
        var window = Window();

        var answer = Best(window, Logits(14, (11, 6f)), Logits(14, (11, 5f)));

        Assert.Equal(new QaPrediction("Paris", 15, 20, 11f), answer);
    }

    [Fact]
    public void BestAnswer_MultiTokenSpan_KeepsAccentsAndSpaces()
    {
        var window = Window();

        var answer = Best(window, Logits(14, (7, 3f)), Logits(14, (9, 4f)));

        Assert.Equal(new QaPrediction("The Café is", 0, 11, 7f), answer);
    }

    [Fact]
    public void BestAnswer_QuestionAndSpecialTokens_Ignored()
    {
        var window = Window();

        // Question "cafe" (4) and [CLS] (0) have the highest logits; the context's "cafe" (8) must win.
        var answer = Best(window, Logits(14, (4, 10f), (0, 9f), (8, 2f)), Logits(14, (4, 10f), (0, 9f), (8, 1f)));

        Assert.Equal(new QaPrediction("Café", 4, 8, 3f), answer);
    }

    [Fact]
    public void BestAnswer_EndBeforeStart_Skipped()
    {
        var window = Window();

        // (11, 8) scores 20 but ends before it starts; (11, 11) = 10 + 3 beats (8, 8) = 2 + 10.
        var answer = Best(window, Logits(14, (11, 10f), (8, 2f)), Logits(14, (8, 10f), (11, 3f)));

        Assert.Equal(new QaPrediction("Paris", 15, 20, 13f), answer);
    }

    [Theory]
    [InlineData(6, "The Café is in Paris.", 20f)]
    [InlineData(5, "The Café is", 11f)]
    [InlineData(3, "The Café is", 11f)]
    public void BestAnswer_MaxAnswerLength_CountsTokens(int maxAnswerLength, string expected, float score)
    {
        var window = Window();

        // The 6-token span (7, 12) scores 20; the best within 3..5 tokens is (7, 9) = 10 + 1.
        var answer = Best(window, Logits(14, (7, 10f)), Logits(14, (12, 10f), (9, 1f)), maxAnswerLength: maxAnswerLength);

        Assert.Equal(expected, answer.Text);
        Assert.Equal(score, answer.Score);
    }

    [Fact]
    public void BestAnswer_NoValidPairAmongNBest_NoAnswer()
    {
        var window = Window();

        // With one candidate each, the only pair ends before it starts.
        var answer = Best(window, Logits(14, (11, 10f)), Logits(14, (8, 10f)), nBest: 1);

        Assert.Equal("", answer.Text);
        Assert.Equal((-1, -1), (answer.Start, answer.End));
        Assert.Equal(QaPrediction.None, answer);
    }

    [Fact]
    public void BestAnswer_NBest_LimitsCandidates()
    {
        var window = Window();
        var start = Logits(14, (11, 10f), (7, 9f));
        var end = Logits(14, (8, 10f), (12, 8f));

        // nBest 1 leaves only (11, 8), which ends before it starts; nBest 2 adds (7, 8) = 19, (11, 12) = 18, (7, 12) = 17.
        Assert.Equal(QaPrediction.None, Best(window, start, end, nBest: 1));
        Assert.Equal(new QaPrediction("The Café", 0, 8, 19f), Best(window, start, end, nBest: 2));
    }

    [Fact]
    public void BestAnswer_PaddedLogits_PositionsPastTheWindowIgnored()
    {
        var window = Window();

        var answer = Best(window, Logits(20, (11, 1f), (15, 50f)), Logits(20, (11, 1f), (15, 50f)));

        Assert.Equal("Paris", answer.Text);
    }

    [Fact]
    public void BestAnswer_SeveralWindows_BestOverAllWithContextOffsets()
    {
        const string letters = "a b c d e f g h";
        var example = new QaExample("q2", "Who is?", letters, []);
        // Windows over tokens 0..3, 2..5, 4..7; context token k of window w sits at 5 + k - 2w.
        var windows = QaFeatures.Windows(vocabulary.Encoder, example, maxLength: 10, stride: 2, maxQueryLength: 64);
        float[][] start = [Logits(10, (6, 4f)), Logits(10, (5, 1f)), Logits(10, (7, 3f))];
        float[][] end = [Logits(10, (6, 4f)), Logits(10, (5, 1f)), Logits(10, (8, 6f))];

        var answer = QaPostprocess.BestAnswer(letters, windows, start, end);

        // Window 2: "g" (token 6) to "h" (token 7) = 3 + 6 beats window 0's "b" = 4 + 4.
        Assert.Equal(new QaPrediction("g h", 12, 15, 9f), answer);
    }

    [Fact]
    public void BestAnswer_LogitsShorterThanWindow_Throws()
    {
        var window = Window();

        var error = Assert.Throws<ArgumentException>(() => Best(window, Logits(13), Logits(14)));

        Assert.Equal("startLogits", error.ParamName);
        Assert.Contains("14 tokens but only 13 logits", error.Message);
    }

    [Fact]
    public void BestAnswer_LogitArrayCountMismatch_Throws()
    {
        var window = Window();

        var error = Assert.Throws<ArgumentException>(() =>
            QaPostprocess.BestAnswer(Context, [window], [Logits(14), Logits(14)], [Logits(14)]));

        Assert.Contains("2 start and 1 end logit arrays for 1 windows", error.Message);
    }

    [Fact]
    public void BestAnswer_WrongContext_Throws()
    {
        var window = Window();

        var error = Assert.Throws<ArgumentException>(() =>
            QaPostprocess.BestAnswer("The Café", [window], [Logits(14, (11, 1f))], [Logits(14, (11, 1f))]));

        Assert.Equal("context", error.ParamName);
    }

    [Fact]
    public void BestAnswer_InterleavedStartEndLogits_SameAsSeparateArrays()
    {
        var window = Window();
        var start = Logits(14, (8, 4f), (11, 3f));
        var end = Logits(14, (11, 5f), (12, 1f));
        var interleaved = start.Zip(end).SelectMany(p => new[] { p.First, p.Second }).ToArray();

        var answer = QaPostprocess.BestAnswer(Context, [window], [interleaved]);

        Assert.Equal(new QaPrediction("Café is in Paris", 4, 20, 9f), answer);
        Assert.Equal(Best(window, start, end), answer);
    }
}
