using Distill.Logging;

namespace Distill.Tests.Logging;

public sealed class ProgressEstimateTests
{
    [Fact]
    public void Compute_120Of300In10Seconds_Rate12Eta15()
    {
        var estimate = ProgressEstimate.Compute(120, 300, TimeSpan.FromSeconds(10));

        Assert.Equal(12, estimate.Rate, 12);
        Assert.Equal(TimeSpan.FromSeconds(15), estimate.Eta);
    }

    [Fact]
    public void Compute_NothingDoneYet_EtaUnknown()
    {
        var estimate = ProgressEstimate.Compute(0, 300, TimeSpan.FromSeconds(10));

        Assert.Equal(new ProgressEstimate(0, null), estimate);
    }

    [Fact]
    public void Compute_NoTimeElapsed_RateZeroEtaUnknown()
    {
        Assert.Equal(new ProgressEstimate(0, null), ProgressEstimate.Compute(5, 10, TimeSpan.Zero));
    }

    [Fact]
    public void Compute_AllDone_EtaZero()
    {
        Assert.Equal(new ProgressEstimate(15, TimeSpan.Zero), ProgressEstimate.Compute(300, 300, TimeSpan.FromSeconds(20)));
    }

    [Fact]
    public void Compute_DoneBeyondTotal_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ProgressEstimate.Compute(301, 300, TimeSpan.FromSeconds(1)));
    }

    [Theory]
    [InlineData(14, "00:00:14")]
    [InlineData(3723.9, "01:02:03")]
    [InlineData(360_000, "100:00:00")]
    public void FormatDuration_Seconds_HoursMinutesSeconds(double seconds, string expected)
    {
        Assert.Equal(expected, ProgressEstimate.FormatDuration(TimeSpan.FromSeconds(seconds)));
    }

    [Fact]
    public void FormatDuration_Unknown_Dashes()
    {
        Assert.Equal("--:--:--", ProgressEstimate.FormatDuration(null));
    }

    [Theory]
    [InlineData(12.34, "12.3 it/s")]
    [InlineData(0.25, "4.0 s/it")]
    [InlineData(0, "0.0 it/s")]
    public void FormatRate_Rate_ItemsPerSecondOrSecondsPerItem(double rate, string expected)
    {
        Assert.Equal(expected, ProgressEstimate.FormatRate(rate));
    }
}
