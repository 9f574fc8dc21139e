using Distill.Export.Quantization;

namespace Distill.Tests.Export.Quantization;

public sealed class RangeHistogramTests
{
    /// <summary>The 101 values 0, 1, …, 100 in 100 bins of width 1: value v in bin v, and 100 in the last bin with 99.</summary>
    private static RangeHistogram ZeroToHundred()
    {
        var histogram = new RangeHistogram(0, 100, 100);
        histogram.Add(Enumerable.Range(0, 101).Select(v => (float)v).ToArray());
        return histogram;
    }

    [Fact]
    public void LowerAndUpper_NothingDropped_TheWholeRange()
    {
        var histogram = ZeroToHundred();

        Assert.Equal(101, histogram.Count);
        Assert.Equal(0f, histogram.Lower(0));
        Assert.Equal(100f, histogram.Upper(0));
    }

    [Fact]
    public void LowerAndUpper_TwoPercent_DropAtMostTwoValuesEachSide()
    {
        var histogram = ZeroToHundred();

        // 2 % of 101 is 2.02 values: 0 and 1 below; above, the last bin holds 99 and 100 (2 values) and the next
        // one would make 3, so the range ends at that next bin's upper edge, 99.
        Assert.Equal(2f, histogram.Lower(0.02));
        Assert.Equal(99f, histogram.Upper(0.02));
    }

    [Fact]
    public void Add_ValuesOutsideTheRange_CountInTheEndBins()
    {
        var histogram = new RangeHistogram(0, 10, 10);

        histogram.Add([-5f, 50f, 5f]);

        Assert.Equal(0f, histogram.Lower(0.3));
        Assert.Equal(10f, histogram.Upper(0.3));
        Assert.Equal(5f, histogram.Lower(0.34));
        Assert.Equal(6f, histogram.Upper(0.34));
    }
}
