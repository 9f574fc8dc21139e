using Distill.DistillStudent.MultiTask;

namespace Distill.Tests.MultiTask;

public sealed class TaskSamplerTests
{
    private const int Draws = 70_000;
    // The largest standard error of a proportion over 70,000 draws is √(0.25 / 70,000) ≈ 0.0019: 0.01 is over five of them.
    private const double Tolerance = 0.01;

    [Theory]
    [InlineData(0.5, new[] { 1.0 / 7, 2.0 / 7, 4.0 / 7 })]
    [InlineData(1.0, new[] { 1.0 / 21, 4.0 / 21, 16.0 / 21 })]
    [InlineData(0.0, new[] { 1.0 / 3, 1.0 / 3, 1.0 / 3 })]
    [InlineData(-1.0, new[] { 16.0 / 21, 4.0 / 21, 1.0 / 21 })]   // negative, as TextBrewer allows: 1, 1/4, 1/16 favour the small task
    public void Draws_SizesToTheTau_CountedProportionsMatchTheHandComputedOnes(double tau, double[] expected)
    {
        // Sizes 1, 4, 16 batches: to the power 0.5 they weigh 1, 2, 4; to the power 1, 1, 4, 16; to the power 0, equally.
        var sampler = new TaskSampler([1, 4, 16], tau, seed: 3);

        var draws = sampler.Draws(Draws);

        for (var task = 0; task < expected.Length; task++)
        {
            Assert.Equal(expected[task], sampler.Probabilities[task], 12);
            var share = draws.Count(d => d == task) / (double)Draws;
            Assert.True(Math.Abs(share - expected[task]) < Tolerance, $"task {task}: drawn {share:F4} of the time, expected {expected[task]:F4} ± {Tolerance}");
        }
    }

    [Fact]
    public void Draws_SameSeed_SameSequence_OtherSeed_AnotherOne()
    {
        var first = new TaskSampler([3, 5], 1, seed: 11).Draws(200);

        Assert.Equal(first, new TaskSampler([3, 5], 1, seed: 11).Draws(200));
        Assert.NotEqual(first, new TaskSampler([3, 5], 1, seed: 12).Draws(200));
        Assert.Equal(first[..50], new TaskSampler([3, 5], 1, seed: 11).Draws(50));
    }
}
