using Distill.Cache;

namespace Distill.Tests.Cache;

public sealed class TopKLogitsTests
{
    [Fact]
    public void Select_TwoPositions_KeepsBestFirstAndExactLogSumExp()
    {
        // Position 0: probabilities 0.1, 0.2, 0.3, 0.4 (logits ln 1..ln 4; log-sum-exp ln 10).
        // Position 1: 2, 7, 7, -1: the tie goes to the lower index; log-sum-exp ln(e^2 + 2 e^7 + e^-1).
        float[] logits = [0f, MathF.Log(2), MathF.Log(3), MathF.Log(4), 2f, 7f, 7f, -1f];

        var topK = TopKLogits.Select(logits, width: 4, k: 2);

        Assert.Equal([3, 2, 1, 2], topK.Indices);
        Assert.Equal([MathF.Log(4), MathF.Log(3), 7f, 7f], topK.Values);
        Assert.Equal(MathF.Log(10), topK.LogSumExp[0], 6);
        Assert.Equal(7.6967f, topK.LogSumExp[1], 4); // ln 2 + 7 + ln(1 + (e^2 + e^-1) / (2 e^7)) = 7.696678
    }

    [Fact]
    public void Select_KEqualsWidth_SortsTheWholeRow()
    {
        var topK = TopKLogits.Select([0.5f, -1f, 3f, 0.5f, 2f], width: 5, k: 5);

        Assert.Equal([2, 4, 0, 3, 1], topK.Indices);
        Assert.Equal([3f, 2f, 0.5f, 0.5f, -1f], topK.Values);
    }

    [Fact]
    public void Select_AllMinusInfinity_LogSumExpIsMinusInfinity()
    {
        var topK = TopKLogits.Select([float.NegativeInfinity, float.NegativeInfinity], width: 2, k: 1);

        Assert.Equal(float.NegativeInfinity, topK.LogSumExp[0]);
        Assert.Equal([0], topK.Indices);
    }

    [Fact]
    public void Select_MassOutsideTopK_IsKnownExactly()
    {
        float[] logits = [0f, MathF.Log(2), MathF.Log(3), MathF.Log(4)];

        var topK = TopKLogits.Select(logits, width: 4, k: 2);
        double kept = topK.Values.Sum(v => Math.Exp(v - topK.LogSumExp[0]));

        Assert.Equal(0.3, 1 - kept, 6); // classes 0 and 1: 0.1 + 0.2
    }

    [Fact]
    public void Select_LengthNotAMultipleOfWidth_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => TopKLogits.Select([1f, 2f, 3f], width: 2, k: 1));

        Assert.Contains("3 logits are not a whole number of rows of width 2", error.Message);
    }
}
