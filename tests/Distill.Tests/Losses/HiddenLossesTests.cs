using Distill.DistillStudent.Losses;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public sealed class HiddenLossesTests
{
    [Fact]
    public void HiddenMse_Mask_MeanOverRealPositionsAndUnits()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var student = tensor(new[] { 1f, 2f, 3f, 4f }, [1, 2, 2]);
        var teacher = zeros(1, 2, 2);

        // masked: position 0 only, (1 + 4) / (1 position × 2 units) = 2.5; unmasked: (1 + 4 + 9 + 16) / 4 = 7.5
        Assert.Equal(2.5f, HiddenLosses.HiddenMse([student], [teacher], tensor(new long[] { 1, 0 }, [1, 2])).item<float>(), 5);
        Assert.Equal(7.5f, HiddenLosses.HiddenMse([student], [teacher], null).item<float>(), 5);
    }

    [Fact]
    public void Cosine_Mask_OneMinusCosineOverRealPositions()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // position 0: [1, 0]·[0, 1] = 0 → 1 − 0 = 1; position 1: [1, 1] vs [1, 1] → 1 − 1 = 0
        var student = tensor(new[] { 1f, 0f, 1f, 1f }, [1, 2, 2]);
        var teacher = tensor(new[] { 0f, 1f, 1f, 1f }, [1, 2, 2]);

        Assert.Equal(0.5f, HiddenLosses.Cosine([student], [teacher], null).item<float>(), 5);
        Assert.Equal(1f, HiddenLosses.Cosine([student], [teacher], tensor(new long[] { 1, 0 }, [1, 2])).item<float>(), 5);
    }

    [Fact]
    public void Pkd_NormalizedClsVectors_SumOverUnitsMeanOverBatch()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // example 0: [3, 4]/5 = [.6, .8] vs [1, 0]: (−.4)² + .8² = .16 + .64 = .8; example 1: [2, 0]/2 vs [1, 0] → 0
        // position 1 (99s) is not [CLS] and does not count. mean = .4
        var student = tensor(new[] { 3f, 4f, 99f, 99f, 2f, 0f, 99f, 99f }, [2, 2, 2]);
        var teacher = tensor(new[] { 1f, 0f, 0f, 0f, 1f, 0f, 0f, 0f }, [2, 2, 2]);

        Assert.Equal(0.4f, HiddenLosses.Pkd([student], [teacher], null).item<float>(), 5);
    }
}
