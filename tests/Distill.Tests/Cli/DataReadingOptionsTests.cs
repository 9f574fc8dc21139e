using System.CommandLine;
using Distill.Cache;
using Distill.CacheTeacher;
using Distill.DistillStudent;
using Distill.Tests.CacheTeacher;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>One set of data-reading options for every command that reads data, recorded in the cache it makes.</summary>
public sealed class DataReadingOptionsTests
{
    private static readonly string[] Shared = ["--max-seq-length", "--doc-stride", "--max-query-length", "--text-column", "--text-b-column", "--label-column", "--skip-bad"];

    [Theory]
    [InlineData("distill-student", "train")]
    [InlineData("distill-student", "eval")]
    [InlineData("distill-student", "distill")]
    [InlineData("cache-teacher", "run")]
    public void Command_ReadsData_TakesEverySharedOption(string executable, string verb)
    {
        var root = executable == "cache-teacher" ? CacheTeacherCli.Create() : DistillStudentCli.Create();
        var command = root.Subcommands.Single(c => c.Name == verb);

        Assert.Empty(Shared.Except(command.Options.Select(o => o.Name)));
    }

    [Fact]
    public void CacheRunAndEval_CustomColumns_ReadTheSameDataAndTheManifestRecordsThem()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        RunCommandTests.TeacherDir(dir);
        File.WriteAllLines(dir.File("custom.jsonl"), File.ReadAllLines(dir.File("train.jsonl")).Select(l => l.Replace("\"text\"", "\"sentence\"").Replace("\"label\"", "\"polarity\"")));
        // The tiny teacher has 32 positions: a longer max_seq_length (the default 128) is refused up front.
        string[] columns = ["--text-column", "sentence", "--label-column", "polarity", "--max-seq-length", "32"];

        var cache = CliRun.Invoke(CacheTeacherCli.Create(), ["run", "--model", dir.File("teacher"), "--task", "classification", "--data", dir.File("custom.jsonl"), "--out", dir.File("cache"), .. columns]);
        var eval = CliRun.Invoke(DistillStudentCli.Create(), ["eval", "--model", dir.File("teacher"), "--task", "classification", "--data", dir.File("custom.jsonl"),
            "--out", dir.File("eval"), .. columns]);
        var verify = CliRun.Invoke(CacheTeacherCli.Create(), "verify", dir.File("cache"), "--data", dir.File("custom.jsonl"));

        Assert.True(cache.ExitCode == 0, cache.Error);
        Assert.True(eval.ExitCode == 0, eval.Error);
        Assert.True(verify.ExitCode == 0, verify.Error);
        var settings = CacheManifest.Load(dir.File("cache", "manifest.json")).Data.ReaderSettings;
        Assert.Equal("sentence", (string)settings["text_column"]!);
        Assert.Equal("polarity", (string)settings["label_column"]!);
        Assert.Equal(50, File.ReadAllLines(dir.File("eval", "predictions.jsonl")).Length);
    }
}
