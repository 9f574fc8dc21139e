using Distill.DistillStudent.Training;

namespace Distill.Tests.Training;

public sealed class LinearScheduleTests
{
    [Theory]
    [InlineData(0, 0.0)]    // warm-up starts at zero
    [InlineData(5, 0.5)]    // half-way through 10 warm-up steps
    [InlineData(10, 1.0)]   // peak
    [InlineData(55, 0.5)]   // half-way through the 90 decay steps
    [InlineData(100, 0.0)]  // end
    [InlineData(120, 0.0)]  // never negative
    public void Factor_WarmupThenDecay_HandComputed(long step, double expected)
    {
        Assert.Equal(expected, LinearSchedule.Factor(step, totalSteps: 100, warmupSteps: 10), 12);
    }

    [Fact]
    public void Factor_NoWarmup_StartsAtPeak()
    {
        Assert.Equal(1.0, LinearSchedule.Factor(0, totalSteps: 4, warmupSteps: 0), 12);
        Assert.Equal(0.25, LinearSchedule.Factor(3, totalSteps: 4, warmupSteps: 0), 12);
    }
}
