using Distill.DistillStudent.Projections;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Projections;

public sealed class ProjectionLayerTests
{
    [Fact]
    public void New_InitialisedAsTextBrewerProjMap_Normal002WeightZeroBias()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        using var projection = new ProjectionLayer("linear", 256, 384);
        var parameters = projection.named_parameters().ToDictionary(p => p.name, p => p.parameter);

        var weight = parameters["linear.weight"];
        // 98 304 draws: the sample std of N(0, 0.02) is within 1% of 0.02 (TorchSharp's default Linear init would be
        // uniform with std 1/√(3·256) = 0.036), its mean near 0.
        Assert.InRange(weight.std().item<float>(), 0.0198f, 0.0202f);
        Assert.InRange(weight.mean().item<float>(), -0.0005f, 0.0005f);
        Assert.Equal(0f, parameters["linear.bias"].abs().max().item<float>());
    }
}
