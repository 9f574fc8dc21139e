using Distill.Tests.Support;
using Xunit.Abstractions;

namespace Distill.Tests.Pipelines;

/// <summary>
/// The Slurm chain of <c>pipelines/slurm</c> on a real one-node cluster: <c>test-local-cluster.sh</c> installs Slurm
/// from Debian's packages where it is missing, starts the daemons, submits the chain with 3 cache shards with the
/// executables built beside this test, checks the merged cache against a single-process one shard for shard, and
/// the student; then stops the daemons. Installing and starting daemons changes the machine, so the test runs only
/// when <see cref="OptIn"/> is 1 (CI's <c>.ci/run</c> sets it).
/// </summary>
public sealed class SlurmChainTests(ITestOutputHelper output)
{
    /// <summary>The environment variable that switches the test on.</summary>
    public const string OptIn = "DISTILL_SLURM_TESTS";

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(12);

    [SkippableFact]
    public void Submit_ThreeShardsOnOneNodeCluster_MergedCacheEqualsSingleProcessAndStudentWritten()
    {
        Skip.IfNot(Environment.GetEnvironmentVariable(OptIn) == "1",
            $"the real-Slurm test installs and starts Slurm daemons (as root); set {OptIn}=1 to run it (CI does)");
        using var dir = new TemporaryDirectory();
        var run = ScriptRun.Invoke("pipelines/slurm/test-local-cluster.sh", Limit, AppContext.BaseDirectory, dir.File("cluster"));
        output.WriteLine(run.Output);

        run.SkipIfSkipped();
        Assert.False(run.TimedOut, $"the Slurm test ran past {Limit.TotalMinutes} minutes:\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"test-local-cluster.sh exited {run.ExitCode}:\n{run.Output}");
        Assert.Contains("slurm-test: passed", run.Output, StringComparison.Ordinal);
    }
}
