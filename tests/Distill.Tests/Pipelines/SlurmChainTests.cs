using System.Diagnostics;
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
    private const int Skipped = 77;
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(12);

    [SkippableFact]
    public void Submit_ThreeShardsOnOneNodeCluster_MergedCacheEqualsSingleProcessAndStudentWritten()
    {
        using var dir = new TemporaryDirectory();
        var script = Path.Combine(TestAssets.RepositoryRoot, "pipelines", "slurm", "test-local-cluster.sh");
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { script, AppContext.BaseDirectory, dir.File("cluster") }) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = process.WaitForExit(Limit);
        if (!finished) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        var text = string.Join('\n', log);
        output.WriteLine(text);

        Skip.If(finished && process.ExitCode == Skipped, text.Split('\n').LastOrDefault(l => l.StartsWith("slurm-test: skip:", StringComparison.Ordinal)));
        Assert.True(finished, $"the Slurm test ran past {Limit.TotalMinutes} minutes:\n{text}");
        Assert.True(process.ExitCode == 0, $"test-local-cluster.sh exited {process.ExitCode}:\n{text}");
        Assert.Contains("slurm-test: passed", text, StringComparison.Ordinal);
    }
}
