using Distill.Features;

namespace Distill.Tests.Features;

public sealed class ClassPredictionTests
{
    [Fact]
    public void FromLogits_LnOneTwoThree_ProbabilitiesOneTwoThreeSixths()
    {
        var prediction = ClassPrediction.FromLogits([0, MathF.Log(2), MathF.Log(3)], ["a", "b", "c"]);

        Assert.Equal((2, "c"), (prediction.Index, prediction.Label));
        Assert.Equal(1 / 6.0, prediction.Probabilities[0], 6);
        Assert.Equal(2 / 6.0, prediction.Probabilities[1], 6);
        Assert.Equal(3 / 6.0, prediction.Probabilities[2], 6);
    }

    [Fact]
    public void FromLogits_HugeLogits_StayFinite()
    {
        var prediction = ClassPrediction.FromLogits([1000, 1000 + MathF.Log(3)], ["neg", "pos"]);

        Assert.Equal("pos", prediction.Label);
        Assert.Equal(0.75, prediction.Probabilities[1], 4); // 1000 + ln 3 in float32 is off by up to 3e-5
    }

    [Fact]
    public void FromLogits_Tie_FirstLabelWins()
    {
        Assert.Equal("x", ClassPrediction.FromLogits([2, 2], ["x", "y"]).Label);
    }

    [Fact]
    public void FromLogits_CountMismatch_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => ClassPrediction.FromLogits([1, 2, 3], ["neg", "pos"]));

        Assert.Contains("3 logits for 2 labels", error.Message);
    }
}
