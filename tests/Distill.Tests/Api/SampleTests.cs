using System.Text.Json;
using System.Text.RegularExpressions;
using Distill.CacheTeacher;
using Distill.DistillStudent.Api;
using Distill.Tests.Support;
using Xunit.Abstractions;

namespace Distill.Tests.Api;

/// <summary>
/// Each sample of <c>samples/</c> run as the user runs it (its executable from this build, a child process) on tiny
/// data: it must finish, write its model and logs, and its losses must fall.
/// </summary>
public sealed class SampleTests(TinyDistillationFixture fixture, ITestOutputHelper console) : IClassFixture<TinyDistillationFixture>
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [Fact]
    public void TextBrewerExample_Trains_MatchedLayersLossFalls()
    {
        using var dir = new TemporaryDirectory();

        var output = Run("sample-textbrewer", dir.File("out"));

        Assert.Contains("teacher_model's parameters:", output);
        Assert.Contains("steps 24;", output);
        var (first, last) = FirstAndLast(dir.File("out"), "hidden_hidden_mse_1");
        Assert.True(last < first / 2, $"T8↔S2 hidden MSE went from {first} to {last}");
        Assert.True(Directory.Exists(dir.File("out", "best")));
    }

    [Fact]
    public void TextCnn_FromACacheTeacherRunWrote_LearnsTheTeacher()
    {
        using var dir = new TemporaryDirectory();
        var data = fixture.Dir;
        // The sample reads at the length the cache was made at: the tiny teacher's 32 positions.
        var cache = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--model", data.File("teacher-run", "best"), "--task", "classification",
            "--data", data.File("train.jsonl"), "--out", dir.File("cache"), "--max-seq-length", "32");
        Assert.True(cache.ExitCode == 0, cache.Output + cache.Error);

        var output = Run("sample-textcnn", dir.File("cache"), data.File("vocab.txt"), data.File("train.jsonl"), data.File("dev.jsonl"), dir.File("out"), "15", "32");

        // The soft cross-entropy's floor is the teacher's own entropy at T = 2, so it falls by a part only.
        var (first, last) = FirstAndLast(dir.File("out"), "kd_loss");
        Assert.True(last < first * 0.9, $"kd_loss went from {first} to {last}");
        Assert.Matches(@"best dev accuracy (0\.[89]|1\.0)", output);
        Assert.True(File.Exists(dir.File("out", "best", "model.safetensors")));
    }

    [Fact]
    public void TextCnn_StaysWithinTheIssuesBudget_60LinesAnd8LibraryNames()
    {
        var source = File.ReadAllLines(Path.Combine(TestAssets.RepositoryRoot, "samples", "TextCnn", "Program.cs"));

        var names = LibraryNames(source);
        console.WriteLine($"{source.Length} lines; {names.Count} library names: {string.Join(", ", names)}");

        Assert.True(source.Length <= 60, $"{source.Length} lines");
        Assert.True(names.Count <= 8, $"{names.Count} library names: {string.Join(", ", names)}");
    }

    [Fact]
    public void OwnTeacher_CachedThroughTheApi_VerifyAcceptsAndStudentLearns()
    {
        using var dir = new TemporaryDirectory();
        var data = fixture.Dir;

        var output = Run("sample-own-teacher", data.File("train.jsonl"), data.File("dev.jsonl"), dir.File("out"), "8");

        var verify = CliRun.Invoke(CacheTeacherCli.Create(), "verify", dir.File("out", "cache"), "--data", data.File("train.jsonl"));
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        Assert.Contains($"{TinyDistillation.TrainCount} rows, all good", verify.Output);
        var (first, last) = FirstAndLast(dir.File("out", "student"), "hidden_hidden_mse_0");
        Assert.True(last < first * 0.8, $"hidden match loss went from {first} to {last}");
        Assert.Contains("student: dev accuracy", output);
        Assert.True(File.Exists(dir.File("out", "student", "best", "model.safetensors")));
    }

    [Fact]
    public void WordLevelStudent_OwnVocabulary_JoinsTheWordPieceCacheAndLearns()
    {
        using var dir = new TemporaryDirectory();
        var data = fixture.Dir;

        var output = Run("sample-word-level", data.File("cache"), data.File("train.jsonl"), data.File("dev.jsonl"), dir.File("out"), "20", "16");

        // Its own vocabulary: the tiny data's 16 words and 4 specials, not the teacher's 22 pieces.
        Assert.Equal(20, File.ReadAllLines(dir.File("out", "words.txt")).Length);
        Assert.Contains("vocabulary: 20 words", output);
        var (first, last) = FirstAndLast(dir.File("out", "distilled"), "kd_loss");
        Assert.True(last < first * 0.97, $"kd_loss went from {first} to {last}");
        Assert.Matches(@"alone: +dev accuracy \d", output);
        Assert.Matches(@"distilled: dev accuracy \d", output);
        Assert.True(File.Exists(dir.File("out", "distilled", "best", "model.safetensors")));
    }

    private static string Run(string sample, params string[] args)
    {
        TestAssets.EnsureTorch();
        using var process = ChildProcess.Start(sample, args);
        var code = process.WaitForExit(Limit);
        Assert.True(code == 0, $"{sample} exited {code}:\n{process.Output}\n{process.Error}");
        return process.Output;
    }

    /// <summary>A loss component's first and last value in a run's metrics.jsonl train lines.</summary>
    private static (double First, double Last) FirstAndLast(string runDir, string component)
    {
        var values = File.ReadLines(Path.Combine(runDir, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("split").GetString() == "train" && e.TryGetProperty(component, out _))
            .Select(e => e.GetProperty(component).GetDouble())
            .ToList();
        Assert.True(values.Count >= 2, $"{runDir}/metrics.jsonl has {values.Count} train lines with {component}");
        return (values[0], values[^1]);
    }

    /// <summary>The library's public type names a source file uses (comments left out).</summary>
    private static IReadOnlyList<string> LibraryNames(IEnumerable<string> source)
    {
        var library = new[] { typeof(Distiller).Assembly, typeof(Distill.Models.ModelDirectory).Assembly, typeof(Distill.Cache.CacheReader).Assembly, typeof(Distill.Tokenization.WordPieceEncoder).Assembly }
            .SelectMany(a => a.GetExportedTypes())
            .Select(t => t.Name.Split('`')[0])
            .ToHashSet(StringComparer.Ordinal);
        var code = string.Join("\n", source.Select(line => Regex.Replace(line, "//.*$", "")));
        return Regex.Matches(code, @"\b[A-Z]\w*\b").Select(m => m.Value).Where(library.Contains).Distinct().Order(StringComparer.Ordinal).ToList();
    }
}
