using Distill.DistillStudent.Schedules;
using Distill.Models;
using Distill.Errors;

namespace Distill.Tests.Schedules;

public sealed class WeightSchedulerTests
{
    [Theory]
    [InlineData("none", 0.7, 25, 100, 0.7)]            // the configured weight
    [InlineData("linear_decay", 0.7, 25, 100, 0.75)]   // 1 − 25/100, replacing 0.7 as TextBrewer does
    [InlineData("linear_growth", 0.7, 25, 100, 0.25)]  // 25/100
    [InlineData("linear_decay", 1, 0, 100, 1)]
    [InlineData("linear_growth", 0, 100, 100, 1)]
    [InlineData("linear_decay", 1, 150, 100, 0)]       // past the plan: x clamped to 1
    public void Weight_Schedules_TextBrewerValues(string scheduler, double baseWeight, long step, long total, double expected)
    {
        Assert.Equal(expected, WeightScheduler.Weight(scheduler, baseWeight, step, total), 10);
    }

    [Theory]
    [InlineData("linear_decay", 0.7, 0.7)]
    [InlineData("linear_growth", 0.3, 0.3)]
    public void Weight_FirstStep_ConfiguredWeightAsTextBrewer(string scheduler, double baseWeight, double expected)
    {
        // TextBrewer applies the scheduler after each optimizer step, so the batches of step 0 see the configured
        // weight (f(0) would be 1 for decay, 0 for growth).
        Assert.Equal(expected, WeightScheduler.Weight(scheduler, baseWeight, 0, 100), 10);
    }

    [Fact]
    public void Weight_UnknownScheduler_ListsKnown()
    {
        var error = Assert.Throws<ConfigException>(() => WeightScheduler.Weight("cosine", 1, 1, 10));

        Assert.Contains("known: none, linear_decay, linear_growth", error.Message);
    }
}
