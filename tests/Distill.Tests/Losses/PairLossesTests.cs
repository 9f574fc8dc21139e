using Distill.DistillStudent.Losses;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public sealed class PairLossesTests
{
    [Fact]
    public void Fsp_NoMask_GramOverLengthThenMse()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // S0 = I, S1 = [[1, 2], [3, 4]]: S0ᵀ·S1 / T = [[.5, 1], [1.5, 2]]; teacher gram 0
        // mse = (.25 + 1 + 2.25 + 4) / 4 = 1.875
        var s0 = tensor(new[] { 1f, 0f, 0f, 1f }, [1, 2, 2]);
        var s1 = tensor(new[] { 1f, 2f, 3f, 4f }, [1, 2, 2]);

        Assert.Equal(1.875f, PairLosses.Fsp([s0, s1], [zeros(1, 2, 2), zeros(1, 2, 2)], null).item<float>(), 5);
    }

    [Fact]
    public void Fsp_Mask_ZeroesPaddingDividesByRealLength()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // position 1 zeroed: S0 = [[1, 0], [0, 0]], S1 = [[1, 2], [0, 0]]: S0ᵀ·S1 / 1 = [[1, 2], [0, 0]]; mse = 5 / 4 = 1.25
        var s0 = tensor(new[] { 1f, 0f, 0f, 1f }, [1, 2, 2]);
        var s1 = tensor(new[] { 1f, 2f, 3f, 4f }, [1, 2, 2]);

        var loss = PairLosses.Fsp([s0, s1], [zeros(1, 2, 2), zeros(1, 2, 2)], tensor(new long[] { 1, 0 }, [1, 2]));

        Assert.Equal(1.25f, loss.item<float>(), 5);
    }

    [Fact]
    public void Mmd_WidthsDiffer_PositionGramOverWidthThenMaskedMse()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // S0 = S1 = [[1, 0], [0, 2]]: S0·S1ᵀ / H = [[1, 0], [0, 4]] / 2 = [[.5, 0], [0, 2]]; teacher (H = 3) gram 0
        // all pairs: (.25 + 4) / 4 = 1.0625; mask [1, 0] keeps pair (0, 0): .25 / 1
        var s = tensor(new[] { 1f, 0f, 0f, 2f }, [1, 2, 2]);
        var t = zeros(1, 2, 3);

        Assert.Equal(1.0625f, PairLosses.Mmd([s, s], [t, t], null).item<float>(), 5);
        Assert.Equal(0.25f, PairLosses.Mmd([s, s], [t, t], tensor(new long[] { 1, 0 }, [1, 2])).item<float>(), 5);
    }
}
