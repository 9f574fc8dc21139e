
using Distill.Errors;
using Distill.TeacherCaching;

namespace Distill.Tests.CacheTeacher;

public sealed class ShardPlanTests
{
    [Fact]
    public void Slices_CoverEveryFeatureOnceAcrossJobs()
    {
        var plans = Enumerable.Range(0, 3).Select(job => new ShardPlan(Features: 2500, RowsPerShard: 400, Jobs: 3, Job: job)).ToList();

        Assert.Equal(7, plans[0].ShardCount); // ceil(2500 / 400)
        Assert.Equal([0, 3, 6], plans[0].ShardsOfJob);
        Assert.Equal([1, 4], plans[1].ShardsOfJob);
        Assert.Equal([2, 5], plans[2].ShardsOfJob);
        Assert.Equal((2400, 100), plans[0].Slice(6));
        var covered = plans.SelectMany(p => p.ShardsOfJob.SelectMany(k => Enumerable.Range(p.Slice(k).Start, p.Slice(k).Count))).Order();
        Assert.Equal(Enumerable.Range(0, 2500), covered);
    }

    [Theory]
    [InlineData(0, 1, 0, "--rows-per-shard")]
    [InlineData(10, 0, 0, "--num-shards")]
    [InlineData(10, 2, 2, "--shard-index must be in [0, 2)")]
    public void Validate_BadNumbers_NameTheOption(int rows, int jobs, int job, string expected)
    {
        var error = Assert.Throws<Distill.Errors.ConfigException>(() => new ShardPlan(100, rows, jobs, job).Validate());

        Assert.Contains(expected, error.Message);
    }
}
