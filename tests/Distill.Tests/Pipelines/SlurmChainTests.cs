using Distill.Tests.Support;
using Xunit.Abstractions;

namespace Distill.Tests.Pipelines;

/// <summary>
/// The Slurm chain of <c>pipelines/slurm</c> on a real one-node cluster: <c>test-local-cluster.sh</c> installs Slurm
/// from Debian's packages where it is missing, starts the daemons, submits the chain with 3 cache shards with the
/// executables built beside this test, checks the merged cache against a single-process one shard for shard, and
/// the student; then stops the daemons.
/// </summary>
public sealed class SlurmChainTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(12);

    [SkippableFact]
    public void Submit_ThreeShardsOnOneNodeCluster_MergedCacheEqualsSingleProcessAndStudentWritten()
    {
        using var dir = new TemporaryDirectory();
        var run = ScriptRun.Invoke("pipelines/slurm/test-local-cluster.sh", Limit, AppContext.BaseDirectory, dir.File("cluster"));
        output.WriteLine(run.Output);

        run.SkipIfSkipped();
        Assert.False(run.TimedOut, $"the Slurm test ran past {Limit.TotalMinutes} minutes:\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"test-local-cluster.sh exited {run.ExitCode}:\n{run.Output}");
        Assert.Contains("slurm-test: passed", run.Output, StringComparison.Ordinal);
    }
}
