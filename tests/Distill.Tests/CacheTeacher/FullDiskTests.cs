using System.Diagnostics;
using Distill.Cache;
using Distill.Cli;
using Distill.Tests.Support;

namespace Distill.Tests.CacheTeacher;

/// <summary>cache-teacher (the real executable) caching into a real full disk: a tmpfs of 1 MB mounted for the test.</summary>
public sealed class FullDiskTests
{
    [SkippableFact]
    public void Run_DiskFillsUp_EndsPromptlyWithIoFailureAndResumesWhenThereIsRoom()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        RunCommandTests.TeacherDir(dir);
        // Varied sentences, so that the shards do not compress to nothing.
        var random = new Random(5);
        var words = TinyTask.Vocabulary[5..];
        File.WriteAllLines(dir.File("varied.jsonl"), Enumerable.Range(0, 400).Select(i =>
            $$"""{"text":"{{string.Join(' ', Enumerable.Range(0, random.Next(5, 30)).Select(_ => words[random.Next(words.Length)]))}}","label":"{{(i % 2 == 0 ? "pos" : "neg")}}"}"""));
        var mount = dir.File("disk");
        Directory.CreateDirectory(mount);
        Skip.IfNot(Shell("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount) == 0, "mounting a tmpfs is not permitted here (the test needs root)");
        try
        {
            string[] args = ["run", "--model", dir.File("teacher"), "--task", "classification", "--data", dir.File("varied.jsonl"), "--out", Path.Combine(mount, "cache"),
                "--hidden-layers", "0,1,2", "--attention-layers", "0,1", "--dtype", "fp32", "--rows-per-shard", "40", "--batch-size", "8", "--max-seq-length", "32"];

            using var full = ChildProcess.Start("cache-teacher", args);
            var code = full.WaitForExit(TimeSpan.FromSeconds(60));

            Assert.True(code == ExitCodes.IoFailure, $"exit {code}\n{full.Output}{full.Error}");
            var errorLine = Assert.Single(full.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("error: ", errorLine);
            Assert.Contains("No space left on device", errorLine);
            var cache = Path.Combine(mount, "cache");
            Assert.False(File.Exists(Path.Combine(cache, "manifest.json")));
            // Every shard under its final name is whole: recorded with its checksum in the progress file.
            var progress = CacheManifest.Load(Path.Combine(cache, ".progress-00000-of-00001.json"));
            var onDisk = Directory.GetFiles(cache, "part-*").Select(Path.GetFileName).Order().ToList();
            Assert.Equal(progress.Shards.Select(s => s.File), onDisk);
            Assert.NotEmpty(onDisk);
            Assert.Empty(Directory.GetFiles(cache, ".*.tmp"));

            Assert.Equal(0, Shell("mount", "-o", "remount,size=64m", mount));
            using var resumed = ChildProcess.Start("cache-teacher", args);
            Assert.True(resumed.WaitForExit(TimeSpan.FromSeconds(60)) == 0, resumed.Output + resumed.Error);
            Assert.Contains($"{onDisk.Count} complete shards kept", resumed.Output);
            Assert.Empty(CacheVerifier.Verify(cache));
            Assert.Equal(400, CacheManifest.Load(Path.Combine(cache, "manifest.json")).TotalRows);
        }
        finally
        {
            Shell("umount", mount);
        }
    }

    private static int Shell(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
