using Distill.DistillStudent.Losses;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public sealed class KdLossesTests
{
    private static readonly float Ln3 = MathF.Log(3);

    [Fact]
    public void SoftCrossEntropy_TwoClasses_MatchesHandValue()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // p_T = softmax([0, 0]) = [.5, .5]; log q = log softmax([ln3, 0]) = [ln .75, ln .25]
        // ce = −(.5·ln .75 + .5·ln .25) = .5·(0.287682 + 1.386294) = 0.836988
        var loss = KdLosses.SoftCrossEntropy(tensor(new[] { Ln3, 0f }, [1, 2]), tensor(new[] { 0f, 0f }, [1, 2]), tensor(1f), null);

        Assert.Equal(0.836988f, loss.item<float>(), 5);
    }

    [Fact]
    public void SoftCrossEntropy_TemperatureTwo_DividesLogitsWithoutTSquared()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // [2·ln3, 0] / 2 = [ln3, 0]: the same 0.836988 as at T = 1, no factor 4
        var loss = KdLosses.SoftCrossEntropy(tensor(new[] { 2 * Ln3, 0f }, [1, 2]), tensor(new[] { 0f, 0f }, [1, 2]), tensor(2f), null);

        Assert.Equal(0.836988f, loss.item<float>(), 5);
    }

    [Fact]
    public void SoftCrossEntropy_TokenLevelMask_AveragesRealPositionsOnly()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // position 0 as above (0.836988); position 1 is padding with wildly different logits and must not count
        var student = tensor(new[] { Ln3, 0f, 5f, -5f }, [1, 2, 2]);
        var teacher = tensor(new[] { 0f, 0f, -5f, 5f }, [1, 2, 2]);

        var loss = KdLosses.SoftCrossEntropy(student, teacher, tensor(1f), tensor(new long[] { 1, 0 }, [1, 2]));

        Assert.Equal(0.836988f, loss.item<float>(), 5);
    }

    [Fact]
    public void MeanSquaredError_TemperatureTwo_MeanOfScaledDifferences()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // ([1, 3] − [0, 0]) / 2 = [.5, 1.5]; mean of squares = (.25 + 2.25) / 2 = 1.25
        var loss = KdLosses.MeanSquaredError(tensor(new[] { 1f, 3f }, [1, 2]), tensor(new[] { 0f, 0f }, [1, 2]), tensor(2f), null);

        Assert.Equal(1.25f, loss.item<float>(), 5);
    }

    [Fact]
    public void KullbackLeibler_Batchmean_SumsClassesAveragesRows()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // row 0: p_T = [.75, .25], p_S = [.5, .5]: KL = .75·ln 1.5 + .25·ln .5 = 0.304099 − 0.173287 = 0.130812
        // row 1: identical logits, KL = 0. batchmean = 0.130812 / 2 = 0.065406
        var student = tensor(new[] { 0f, 0f, 1f, 2f }, [2, 2]);
        var teacher = tensor(new[] { Ln3, 0f, 1f, 2f }, [2, 2]);

        var loss = KdLosses.KullbackLeibler(student, teacher, tensor(1f), null);

        Assert.Equal(0.065406f, loss.item<float>(), 5);
    }

    [Fact]
    public void KullbackLeibler_PerExampleTemperature_EachRowTimesItsTSquared()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // row 0 at T = 2: teacher [2·ln3, 0]/2 = [ln3, 0], KL 0.130812 × 4 = 0.523248
        // row 1 at T = 1: teacher [ln3, 0], KL 0.130812 × 1. mean = (0.523248 + 0.130812) / 2 = 0.327030
        var student = tensor(new[] { 0f, 0f, 0f, 0f }, [2, 2]);
        var teacher = tensor(new[] { 2 * Ln3, 0f, Ln3, 0f }, [2, 2]);

        var loss = KdLosses.KullbackLeibler(student, teacher, tensor(new[] { 2f, 1f }, [2]), null);

        Assert.Equal(0.327030f, loss.item<float>(), 5);
    }

    [Fact]
    public void SoftCrossEntropy_MaskWithSentenceLogits_Throws()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var logits = tensor(new[] { 0f, 0f }, [1, 2]);

        Assert.Throws<ArgumentException>(() => KdLosses.SoftCrossEntropy(logits, logits, tensor(1f), tensor(new long[] { 1 }, [1, 1])));
    }
}
