using Distill.DistillStudent.Training;
using Distill.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

public sealed class GcSafeAdamWTests
{
    public GcSafeAdamWTests() => TestAssets.EnsureTorch();

    private static AdamW.ParamGroup[] Groups(Parameter decayed, Parameter plain) =>
    [
        new AdamW.ParamGroup([decayed], 1e-2, 0.9, 0.999, 1e-8, 0.01, false, false),
        new AdamW.ParamGroup([plain], 1e-2, 0.9, 0.999, 1e-8, 0.0, false, false),
    ];

    /// <summary>
    /// Runs <paramref name="steps"/> steps of a quadratic loss over the first <paramref name="usedRows"/> (default all)
    /// of [rows, columns] and over [columns]; returns the final weights.
    /// </summary>
    private static float[] Train(Func<AdamW.ParamGroup[], AdamW> create, int steps, int rows = 8, int columns = 5, int? usedRows = null)
    {
        manual_seed(4);
        using var decayed = new Parameter(randn(rows, columns));
        using var plain = new Parameter(randn(columns));
        using var optimizer = create(Groups(decayed, plain));
        for (var i = 0; i < steps; i++)
        {
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                (decayed.narrow(0, 0, usedRows ?? rows).matmul(plain).pow(2).sum() + plain.sin().sum()).backward();
            }
            optimizer.step();
        }
        return [.. decayed.data<float>(), .. plain.data<float>()];
    }

    [Fact]
    public void Step_SameGroups_BitForBitTorchSharpsAdamW()
    {
        var ours = Train(groups => new GcSafeAdamW(groups, 1e-2, 0.01), steps: 25);
        var theirs = Train(groups => optim.AdamW(groups, 1e-2, 0.9, 0.999, 1e-8, 0.01, false, false), steps: 25);

        Assert.Equal(theirs, ours);
    }

    /// <summary>
    /// 700 × 301 values are three whole chunks and a ragged fourth: the chunked passes give the whole-tensor ops'
    /// results. The loss reads 350 rows only, so the other half's moments stay zero (the square root of zero).
    /// </summary>
    [Fact]
    public void Step_ParameterOfSeveralChunks_BitForBitTorchSharpsAdamW()
    {
        Assert.True(700 * 301 > 3 * GcSafeAdamW.ChunkElements && 700 * 301 % GcSafeAdamW.ChunkElements != 0);
        var ours = Train(groups => new GcSafeAdamW(groups, 1e-2, 0.01), steps: 6, rows: 700, columns: 301, usedRows: 350);
        var theirs = Train(groups => optim.AdamW(groups, 1e-2, 0.9, 0.999, 1e-8, 0.01, false, false), steps: 6, rows: 700, columns: 301, usedRows: 350);

        Assert.Equal(theirs, ours);
    }

    /// <summary>
    /// sqrt(2^-126) = 2^-63 ≈ 1.08e-19; over root: eps 1e-8 at beta2 0.999's first step (root √0.001 ≈ 0.0316) gives
    /// 3.4e-18 ≤ 1e-8 × 2^-26 ≈ 1.49e-16; eps 1e-12 gives 1.49e-20, too small; eps 0 never.
    /// </summary>
    [Theory]
    [InlineData(1e-8, 0.001, true)]
    [InlineData(1e-12, 0.001, false)]
    [InlineData(1e-12, 1.0, false)]
    [InlineData(0.0, 1.0, false)]
    [InlineData(1e-10, 1.0, true)]
    public void FloorKeepsDenominators_HandComputedBounds(double eps, double correction2, bool expected)
    {
        Assert.Equal(expected, GcSafeAdamW.FloorKeepsDenominators(eps, correction2));
    }

    [Fact]
    public void ZeroGrad_AfterBackward_GradientsAreNone()
    {
        using var weight = new Parameter(ones(3));
        using var optimizer = new GcSafeAdamW([weight]);
        using (NewDisposeScope()) weight.sum().backward();
        Assert.NotNull(weight.grad);

        optimizer.zero_grad();

        Assert.Null(weight.grad);
    }

    /// <summary>The chunk views and the denominator buffer are made by the first step; later steps leave no tensor behind.</summary>
    [Fact]
    public void Step_AfterTheFirst_LeavesNoLiveTensors()
    {
        manual_seed(2);
        using var weight = new Parameter(randn(3 * GcSafeAdamW.ChunkElements + 7));
        using var optimizer = new GcSafeAdamW([weight], 1e-3, 0.01);
        void Step()
        {
            using (NewDisposeScope())
            {
                optimizer.zero_grad();
                weight.pow(2).sum().backward();
            }
            optimizer.step();
        }
        Step();
        optimizer.zero_grad();
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (var i = 0; i < 5; i++) Step();
        optimizer.zero_grad();

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    /// <summary>
    /// Steps on a large parameter while another thread collects and runs finalizers as fast as it can: the
    /// condition under which TorchSharp's own AdamW read freed Scalars (here it failed with "Unknown scalar type").
    /// </summary>
    [Fact]
    public void Step_CollectionsOnAnotherThread_EveryStepSucceeds()
    {
        manual_seed(1);
        using var weight = new Parameter(randn(1024, 1024));
        using var optimizer = new GcSafeAdamW([new AdamW.ParamGroup([weight], 1e-3, 0.9, 0.999, 1e-8, 0.01, false, false)], 1e-3, 0.01);
        using (new CollectorThread())
        {
            for (var i = 0; i < 300; i++)
            {
                using (NewDisposeScope())
                {
                    optimizer.zero_grad();
                    weight.sum().backward();
                }
                optimizer.step();
            }
        }
        Assert.True(weight.isfinite().all().item<bool>());
    }
}
