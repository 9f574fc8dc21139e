using Distill.Data;
using Distill.Tests.Support;
using Xunit.Abstractions;

namespace Distill.Tests.Pipelines;

/// <summary>
/// <c>bench/folds.sh --small --folds 2</c> end to end with the executables built beside this test: 40 polarity
/// sentences, 3 steps per run, two recipes (the default hidden-state matches and MiniLMv2's relations, whose cache
/// holds the teacher's query/key/value), the augmented arm (one neighbour-replaced copy per sentence, 2 epochs) and
/// the own-vocabulary arm (300 teacher pieces), alone and on the copies; <c>--arms</c> picks some of them (the teacher always runs).
/// It checks what the script promises, not accuracy: the folds partition the pooled data, every run selects its
/// checkpoint on the selection part while only <c>eval</c> reads the held-out part, and the table has a row per arm.
/// </summary>
public sealed class FoldsScriptTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(10);
    private static readonly string Configs = Path.Combine(TestAssets.RepositoryRoot, "pipelines", "configs");
    private static readonly string Polarity = Path.Combine(TestAssets.RepositoryRoot, "pipelines", ".data", "polarity");

    [SkippableFact]
    public void Small_TwoFolds_FoldsPartitionTheDataHeldOutReadOnlyByEvalAndTableHasTheArms()
    {
        using var dir = new TemporaryDirectory();
        var runs = dir.File("run");

        var run = SmallTwoFolds(runs, "--recipe", Path.Combine(Configs, "distill-L2.json"), "--recipe", Path.Combine(Configs, "minilmv2-L2.json"),
            "--augment", "1", "--augment-epochs", "2", "--vocab-size", "300");

        var pooled = Ids(Path.Combine(runs, "data", "train.csv")).Concat(Ids(Path.Combine(runs, "data", "dev.csv"))).Order().ToList();
        Assert.Equal(40, pooled.Count);
        var held = new List<string>();
        foreach (var fold in new[] { "fold-1", "fold-2" })
        {
            var parts = new[] { "train", "select", "held" }.Select(part => Ids(Path.Combine(runs, "folds", fold, $"{part}.jsonl"))).ToList();
            Assert.All(parts, part => Assert.NotEmpty(part));
            Assert.Equal(pooled, parts.SelectMany(part => part).Order());
            held.AddRange(parts[2]);
        }
        Assert.Equal(pooled, held.Order());

        var calls = File.ReadAllLines(Path.Combine(runs, "commands.log"));
        var readingHeld = calls.Where(call => call.Contains("held.jsonl", StringComparison.Ordinal)).ToList();
        Assert.Equal(14, readingHeld.Count);
        Assert.All(readingHeld, call => Assert.StartsWith("distill-student eval ", call, StringComparison.Ordinal));
        var selecting = calls.Where(call => call.StartsWith("distill-student train ", StringComparison.Ordinal) || call.StartsWith("distill-student distill ", StringComparison.Ordinal)).ToList();
        Assert.Equal(14, selecting.Count);
        Assert.All(selecting, call => Assert.Matches(@"--dev \S+/fold-\d/select\.jsonl", call));
        foreach (var fold in new[] { "fold-1", "fold-2" })
        {
            var augmented = $"/data/{fold}-augmented-x1.jsonl";
            Assert.Single(calls, call => call.StartsWith("distill-student augment ", StringComparison.Ordinal)
                && call.Contains($"/folds/{fold}/train.jsonl", StringComparison.Ordinal) && call.Contains($"--neighbours {runs}/{fold}/teacher/best", StringComparison.Ordinal));
            Assert.Equal(2, calls.Count(call => call.StartsWith("cache-teacher run ", StringComparison.Ordinal) && call.Contains(augmented, StringComparison.Ordinal)));
            var distill = Assert.Single(selecting, call => call.Contains($"--train {runs}{augmented}", StringComparison.Ordinal) && call.Contains($"--student {runs}/student-init ", StringComparison.Ordinal));
            Assert.Contains("--epochs 2 ", distill, StringComparison.Ordinal);
            Assert.Equal(2 * Ids(Path.Combine(runs, "folds", fold, "train.jsonl")).Count, Ids(runs + augmented).Count);
            Assert.InRange(File.ReadAllLines(Path.Combine(runs, fold, "own-vocab-300.vocab.txt")).Length, 100, 300); // at most what was asked; tiny data uses fewer
            Assert.Single(calls, call => call.StartsWith($"distill-student init-student --teacher {runs}/minilm ", StringComparison.Ordinal)
                && call.Contains($"--vocab {runs}/{fold}/own-vocab-300.vocab.txt", StringComparison.Ordinal));
            Assert.Single(selecting, call => call.Contains($"--student {runs}/{fold}/own-vocab-300-init ", StringComparison.Ordinal));
        }

        var table = File.ReadAllText(Path.Combine(runs, "table.md"));
        Assert.Contains(calls, call => call.StartsWith("cache-teacher run ", StringComparison.Ordinal) && call.Contains("minilmv2-L2.json", StringComparison.Ordinal));
        foreach (var arm in new[] { "teacher", "student-alone", "student-distilled", "distilled-minilmv2-L2", "augmented-x1", "own-vocab-300", "own-vocab-300-augmented-x1" })
        {
            Assert.Matches($@"\| {arm} \| [01]\.\d{{4}} \| \d\.\d{{4}} \| [01]\.\d{{4}}–[01]\.\d{{4}} \| \d+\.\d% \|", table);
        }
        Assert.Contains("| teacher |", run.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Small_Arms_OnlyTheTeacherAndTheNamedArmRun_OwnVocabularyOnTheAugmentedCopies()
    {
        using var dir = new TemporaryDirectory();
        var runs = dir.File("run");

        SmallTwoFolds(runs, "--augment", "1", "--augment-epochs", "2", "--vocab-size", "300", "--arms", "own-vocab-300-augmented-x1");

        var calls = File.ReadAllLines(Path.Combine(runs, "commands.log"));
        var trained = calls.Where(call => call.StartsWith("distill-student train ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, trained.Count);
        Assert.All(trained, call => Assert.Contains($"--model {runs}/minilm ", call, StringComparison.Ordinal));
        var distilled = calls.Where(call => call.StartsWith("distill-student distill ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, distilled.Count);
        foreach (var fold in new[] { "fold-1", "fold-2" })
        {
            var augmented = $"{runs}/data/{fold}-augmented-x1.jsonl";
            Assert.Single(calls, call => call.StartsWith("distill-student build-vocab ", StringComparison.Ordinal) && call.Contains($"--data {augmented} ", StringComparison.Ordinal));
            var distill = Assert.Single(distilled, call => call.Contains($"--student {runs}/{fold}/own-vocab-300-augmented-x1-init ", StringComparison.Ordinal));
            Assert.Contains($"--train {augmented} ", distill, StringComparison.Ordinal);
            Assert.Contains("--epochs 2 ", distill, StringComparison.Ordinal);
        }

        var table = File.ReadAllText(Path.Combine(runs, "table.md"));
        Assert.Equal(["teacher", "own-vocab-300-augmented-x1"], table.Split('\n').Where(line => line.StartsWith("| ", StringComparison.Ordinal)).Skip(1).Select(line => line.Split(' ')[1]));
    }

    [Fact]
    public void Arms_NotAnArmOfTheRun_RefusedByNameBeforeAnythingIsWritten()
    {
        using var dir = new TemporaryDirectory();
        var runs = dir.File("run");

        var run = ScriptRun.Invoke("bench/folds.sh", Limit, "--small", "--out", runs, "--vocab-size", "300", "--arms", "student-alone,augmented-x1");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--arms augmented-x1 is not one of this run's arms: student-alone student-distilled own-vocab-300", run.Output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(runs));
    }

    // folds.sh --small --folds 2 into RUNS with the executables built beside this test, asserted to finish; skips
    // without the real MiniLM or polarity.
    private ScriptRun SmallTwoFolds(string runs, params string[] args)
    {
        TestAssets.RequireMiniLm();
        Skip.IfNot(File.Exists(Path.Combine(Polarity, "train.csv")), $"the polarity data is not at {Polarity}; run pipelines/fetch-assets.sh");
        var environment = new Dictionary<string, string> { ["BIN"] = AppContext.BaseDirectory };
        var run = ScriptRun.Invoke("bench/folds.sh", Limit, environment, ["--small", "--folds", "2", "--out", runs, .. args]);
        output.WriteLine(run.Output);
        Assert.False(run.TimedOut, $"folds.sh ran past {Limit.TotalMinutes} minutes:\n{run.Output}");
        Assert.True(run.ExitCode == 0, $"folds.sh exited {run.ExitCode}:\n{run.Output}");
        return run;
    }

    private static List<string> Ids(string path) => ClassificationReader.Read(path, new DataReadOptions()).Examples.Select(e => e.ExampleId).ToList();
}
