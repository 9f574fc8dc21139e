using Distill.Export.Bench;

namespace Distill.Tests.Export;

public sealed class OnnxBenchTests
{
    [Theory]
    [InlineData(new double[] { 5, 1, 4, 2, 3 }, 0.5, 3)]
    [InlineData(new double[] { 5, 1, 4, 2, 3 }, 0.95, 5)]
    [InlineData(new double[] { 10, 20, 30, 40 }, 0.5, 20)]
    [InlineData(new double[] { 7 }, 0.95, 7)]
    public void Percentile_NearestRank_HandComputed(double[] values, double p, double expected)
    {
        Assert.Equal(expected, OnnxBench.Percentile(values, p));
    }
}
