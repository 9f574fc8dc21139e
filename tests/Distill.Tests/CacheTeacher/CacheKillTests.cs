using System.Diagnostics;
using Distill.Tests.Support;

namespace Distill.Tests.CacheTeacher;

/// <summary>
/// pipelines/cache-kill-test.sh in a short form: cache-teacher (the executable, not a shell around it) killed with
/// SIGKILL at random moments on a tiny teacher, rerun, and compared shard by shard with an uninterrupted run.
/// </summary>
public sealed class CacheKillTests(Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public async Task KillTestScript_ThreeRandomKills_EveryRerunIdenticalToTheUninterruptedRun()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        RunCommandTests.TeacherDir(dir);
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { Path.Combine(TestAssets.RepositoryRoot, "pipelines", "cache-kill-test.sh"), dir.File("teacher"), dir.File("train.jsonl"), "3" })
        {
            info.ArgumentList.Add(arg);
        }
        info.Environment["BIN"] = AppContext.BaseDirectory;
        info.Environment["WORK"] = dir.File("kill-test");
        info.Environment["LAYERS"] = "0,2";
        info.Environment["ROWS_PER_SHARD"] = "5";
        info.Environment["MAX_SEQ_LENGTH"] = "32";

        using var script = Process.Start(info)!;
        var output = script.StandardOutput.ReadToEndAsync();
        var error = script.StandardError.ReadToEndAsync();
        await script.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(120)).Token);

        log.WriteLine(await output);
        Assert.True(script.ExitCode == 0, await output + await error);
        Assert.Contains("kill-test: 3 of 3 trials identical to the uninterrupted run", await output);
    }
}
