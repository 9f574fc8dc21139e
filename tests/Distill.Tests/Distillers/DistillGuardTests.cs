using Distill.CacheTeacher;
using Distill.DistillStudent;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Models.Bert;

namespace Distill.Tests.Distillers;

/// <summary>
/// <c>distill</c> on the tiny set-up where the run directory is contested (two real processes), where its inputs
/// change between a run and its rerun, and where an input does not fit the run: every refusal comes before the
/// run directory is claimed (exit 3, no directory left), and the corrected command then runs.
/// </summary>
public sealed class DistillGuardTests : IClassFixture<TinyDistillationFixture>
{
    private readonly TemporaryDirectory dir;

    public DistillGuardTests(TinyDistillationFixture setup) => dir = setup.Dir;

    private static CliRun Run(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    private static string[] With(string[] args, string option, string value)
    {
        var list = args.ToList();
        list[list.IndexOf(option) + 1] = value;
        return [.. list];
    }

    private string Student(string name, int hiddenSize, string? vocabText = null)
    {
        var path = dir.File(name);
        if (Directory.Exists(path)) return path;
        var vocab = dir.File("vocab.txt");
        if (vocabText is not null)
        {
            vocab = dir.File(name + "-vocab.txt");
            File.WriteAllText(vocab, vocabText);
        }
        manual_seed(6);
        using var student = new BertModel(TinyBert.Config() with { NumHiddenLayers = 1, HiddenSize = hiddenSize, NumAttentionHeads = 2, IntermediateSize = 12 }, addPoolingLayer: true);
        ModelDirectory.Save(path, student, vocab);
        return path;
    }

    private string MatchConfig(string name, string proj) =>
        WriteConfig(name, $$"""{"intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 1{{proj}}}]}""");

    private string WriteConfig(string name, string json)
    {
        File.WriteAllText(dir.File(name), json);
        return dir.File(name);
    }

    private static void AssertRefusedBeforeClaiming(CliRun run, string output, params string[] messages)
    {
        Assert.True(run.ExitCode == 3, $"exit {run.ExitCode}: {run.Output}{run.Error}");
        foreach (var message in messages) Assert.Contains(message, run.Error);
        Assert.False(Directory.Exists(output), $"{output} was left behind");
    }

    [Fact]
    public void Distill_TwoProcessesOnOneDirectory_TheSecondIsRefusedUntilTheFirstIsKilled()
    {
        var output = dir.File("locked");
        string[] args = [.. TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "1", "--threads", "1"])];
        using (var first = KilledRuns.Paused("step@2", args, out _))
        {
            var second = Run(args);

            Assert.True(second.ExitCode == 3, $"exit {second.ExitCode}: {second.Output}{second.Error}");
            Assert.Contains("another run", second.Error);
            Assert.Contains("locked", second.Error);
            first.Kill(); // SIGKILL: the OS releases the lock
            first.WaitForExit();
        }

        var afterKill = Run(args);

        Assert.True(afterKill.ExitCode == 0, afterKill.Output + afterKill.Error);
    }

    [Fact]
    public void Distill_CacheReplacedOrStudentChangedBetweenRuns_RerunRefusesNamingIt()
    {
        var cache = dir.File("pinned-cache");
        ChangedInputs.CopyFiles(dir.File("cache"), cache);
        var student = dir.File("pinned-student");
        ChangedInputs.CopyFiles(dir.File("student"), student);
        var output = dir.File("pinned");
        var args = With(With(TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "1"]), "--cache", cache), "--student", student);
        var first = Run(args);
        Assert.True(first.ExitCode == 0, first.Output + first.Error);

        var (cacheSwapped, studentChanged) = ChangedInputs.Rerun(() => Run(args), dir, cache, student);

        Assert.True(cacheSwapped.ExitCode == 3, $"exit {cacheSwapped.ExitCode}: {cacheSwapped.Output}{cacheSwapped.Error}");
        Assert.Contains("inputs.cache[0].teacher", cacheSwapped.Error);
        Assert.True(studentChanged.ExitCode == 3, $"exit {studentChanged.ExitCode}: {studentChanged.Output}{studentChanged.Error}");
        Assert.Contains("inputs.student", studentChanged.Error);
    }

    [Fact]
    public void Distill_HiddenMatchAcrossWidths_RefusedBeforeClaimingUntilTheProjectionFits()
    {
        var student = Student("narrow-student", hiddenSize: 8);
        var output = dir.File("narrow");
        string[] Args(string config) => With(With(TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "1"]), "--student", student), "--distill-config", config);

        AssertRefusedBeforeClaiming(Run(Args(MatchConfig("no-proj.json", ""))), output,
            "intermediate_matches[0] (hidden_mse) compares hidden states 8 wide (student) with 16 wide (teacher)");
        AssertRefusedBeforeClaiming(Run(Args(MatchConfig("wrong-proj.json", """, "proj": ["linear", 100, 16]"""))), output,
            "intermediate_matches[0].proj[1] (dim_S) is 100, the student's hidden size is 8");
        AssertRefusedBeforeClaiming(Run(Args(MatchConfig("wrong-teacher-proj.json", """, "proj": ["linear", 8, 32]"""))), output,
            "intermediate_matches[0].proj[2] (dim_T) is 32, the teacher's hidden size is 16");
        AssertRefusedBeforeClaiming(Run(Args(MatchConfig("missing-proj.json", $$""", "proj": ["linear", 8, 16, "{{dir.File("no-such-proj.safetensors")}}"]"""))), output,
            "no-such-proj.safetensors");

        var fitting = Run(Args(MatchConfig("proj.json", """, "proj": ["linear", 8, 16]""")));

        Assert.True(fitting.ExitCode == 0, fitting.Output + fitting.Error);
    }

    [Fact]
    public void Distill_DamagedOrSwappedShard_RefusedBeforeClaiming()
    {
        var damaged = dir.File("damaged-cache");
        ChangedInputs.CopyFiles(dir.File("cache"), damaged);
        var shard = Directory.GetFiles(damaged, "*.parquet").Order(StringComparer.Ordinal).First();
        var bytes = File.ReadAllBytes(shard);
        bytes[bytes.Length / 2] ^= 0x01;
        File.WriteAllBytes(shard, bytes);
        var swapped = dir.File("swapped-cache");
        ChangedInputs.CopyFiles(dir.File("cache"), swapped);
        var shards = Directory.GetFiles(swapped, "*.parquet").Order(StringComparer.Ordinal).ToList();
        File.Copy(shards[1], shards[0], overwrite: true);
        var output = dir.File("bad-shard");

        var damagedRun = Run(With(TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "1"]), "--cache", damaged));
        var swappedRun = Run(With(TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "1"]), "--cache", swapped));

        AssertRefusedBeforeClaiming(damagedRun, output, Path.GetFileName(shard));
        AssertRefusedBeforeClaiming(swappedRun, output, Path.GetFileName(shards[0]));
    }

    [Fact]
    public void Distill_StudentVocabularyLongerThanItsVocabSize_RefusedBeforeClaimingNamingTheLine()
    {
        var lines = string.Join("\n", TinyTask.Vocabulary.Concat(Enumerable.Range(0, 40).Select(i => $"extra{i}"))) + "\n";
        var student = Student("long-vocab-student", hiddenSize: 16, vocabText: lines);
        var output = dir.File("long-vocab");

        var run = Run(With(TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "1"]), "--student", student));

        AssertRefusedBeforeClaiming(run, output, "vocab.txt", "line 51", "vocab_size");
    }

    [Fact]
    public void Distill_MaxSeqLengthAboveTheStudentsPositions_RefusedBeforeClaiming()
    {
        var output = dir.File("too-long");
        var args = TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "1"]).ToList();
        var cacheAt = args.IndexOf("--cache");
        args[cacheAt] = "--teacher";
        args[cacheAt + 1] = dir.File("teacher-run", "best");

        var run = Run(With([.. args], "--max-seq-length", "64"));

        AssertRefusedBeforeClaiming(run, output, "max_seq_length", "max_position_embeddings", "32");
    }
}
