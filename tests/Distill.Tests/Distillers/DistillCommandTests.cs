using Distill.DistillStudent;
using Distill.Tests.Support;

namespace Distill.Tests.Distillers;

/// <summary><c>distill-student distill</c> through real command lines on the tiny set-up (<see cref="TinyDistillation"/>).</summary>
public sealed class DistillCommandTests : IClassFixture<TinyDistillationFixture>
{
    private readonly TemporaryDirectory dir;

    public DistillCommandTests(TinyDistillationFixture setup) => dir = setup.Dir;

    private static CliRun Run(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    [Fact]
    public void Distill_FromCache_MovesTheStudentsLogitsTowardTheTeachers()
    {
        var output = dir.File("general");
        var before = KdDistance(dir.File("student"));

        var run = Run(TinyDistillation.DistillArgs(dir, output));

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var after = KdDistance(LastCheckpoint(output));
        Assert.True(before > 1, $"the random student should start far from the teacher, found {before}");
        Assert.True(after < before / 4, $"mean squared distance of student to teacher logits: before {before}, after {after}");
        var metrics = File.ReadAllText(Path.Combine(output, "metrics.jsonl"));
        Assert.Contains("\"kd_loss\"", metrics);
        Assert.Contains("\"hard_label_loss\"", metrics);
        Assert.Contains("\"hidden_hidden_mse_0\"", metrics);
        Assert.True(File.Exists(Path.Combine(output, "distill_run.json")));
        Assert.False(File.Exists(Path.Combine(output, "best", "extra_modules.safetensors")));
    }

    [Fact]
    public void Distill_CacheOfOtherData_Exits3AndWritesNothing()
    {
        var output = dir.File("other-data");

        var run = Run(TinyDistillation.DistillArgs(dir, output, train: "dev.jsonl"));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("made from other data", run.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Distill_MatchReadsALayerTheCacheLacks_Exits3NamingIt()
    {
        File.WriteAllText(dir.File("attention.json"), """{"intermediate_matches": [{"layer_T": 1, "layer_S": 0, "feature": "attention", "loss": "attention_mse"}]}""");
        var output = dir.File("no-attention");

        var run = Run(TinyDistillation.DistillArgs(dir, output, distillConfig: dir.File("attention.json")));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("teacher attention layers [1]", run.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Distill_UnknownLossAndLayerOutOfRange_OneErrorNamingBoth()
    {
        File.WriteAllText(dir.File("bad.json"), """{"intermediate_matches": [{"layer_T": 2, "layer_S": 5, "feature": "hidden", "loss": "hidden_msee"}]}""");

        var run = Run(TinyDistillation.DistillArgs(dir, dir.File("bad"), distillConfig: dir.File("bad.json")));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("hidden_msee", run.Error);
        Assert.Contains("hidden_mse", run.Error); // the known names are listed
    }

    [Fact]
    public void Distill_RerunWithAnotherConfig_RefusesNamingTheChange()
    {
        var output = dir.File("rerun");
        Assert.Equal(0, Run(TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "1"])).ExitCode);

        var run = Run(TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "2"]));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("training.num_epochs", run.Error);
    }

    [Fact]
    public void Distill_OnlineTeacher_AlsoMovesTheStudent()
    {
        var output = dir.File("online");
        var before = KdDistance(dir.File("student"));
        var args = TinyDistillation.DistillArgs(dir, output).ToList();
        var cacheAt = args.IndexOf("--cache");
        args[cacheAt] = "--teacher";
        args[cacheAt + 1] = dir.File("teacher-run", "best");

        var run = Run([.. args]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var after = KdDistance(LastCheckpoint(output));
        Assert.True(after < before / 4, $"before {before}, after {after}");
    }

    [Theory]
    [InlineData("own-vocab", 40)]
    [InlineData("learnt-vocab", 100, "--learn", "--min-frequency", "1")]
    public void Distill_StudentWithOwnVocabulary_MovesTheStudentsLogitsTowardTheTeachers(string name, int size, params string[] buildVocab)
    {
        var student = TinyDistillation.OwnVocabularyStudent(dir, name, size: size, buildVocab: buildVocab);
        var output = dir.File($"{name}-run");
        File.WriteAllText(dir.File("kd-only.json"), """{"temperature": 2, "kd_loss_type": "ce", "hard_label_weight": 0.5}""");
        var before = KdDistance(student);

        var args = TinyDistillation.DistillArgs(dir, output, distillConfig: dir.File("kd-only.json")).ToList();
        args[args.IndexOf("--student") + 1] = student;
        var run = Run([.. args]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var after = KdDistance(LastCheckpoint(output));
        Assert.True(after < before / 4, $"mean squared distance of student to teacher logits: before {before}, after {after}");
    }

    [Fact]
    public void Distill_StudentSplittingTheTeachersWordsWithHiddenMatch_AlignedHiddenLossFallsAndLogitsMove()
    {
        var student = OwnVocabularyStudent("split-vocab", dir.Write("split-vocab.txt", TinyDistillation.SplitVocabulary));
        var output = dir.File("split-vocab-run");
        var before = KdDistance(student);

        var args = TinyDistillation.DistillArgs(dir, output).ToList();
        args[args.IndexOf("--student") + 1] = student;
        var run = Run([.. args]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var hiddenLoss = File.ReadLines(Path.Combine(output, "metrics.jsonl")).Select(line => System.Text.Json.Nodes.JsonNode.Parse(line)!)
            .Where(m => (string?)m["split"] == "train").Select(m => (double)m["hidden_hidden_mse_0"]!).ToList();
        Assert.True(hiddenLoss[^1] < hiddenLoss[0] / 2, $"hidden_mse between the student's layer 1 and the teacher's layer 2 aligned to it: first {hiddenLoss[0]}, last {hiddenLoss[^1]}");
        var after = KdDistance(LastCheckpoint(output));
        Assert.True(after < before / 4, $"mean squared distance of student to teacher logits: before {before}, after {after}");
    }

    [Fact]
    public void Distill_StudentWithOwnVocabularyAndAttentionMatch_RefusedNamingTheMatchBeforeWriting()
    {
        var student = OwnVocabularyStudent("own-vocab-attention");
        File.WriteAllText(dir.File("hidden-and-attention.json"), """
            {"intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse"},
                                      {"layer_T": 0, "layer_S": 0, "feature": "attention", "loss": "attention_mse"}]}
            """);
        var output = dir.File("own-vocab-attention-run");
        var cache = dir.File("attention-cache");
        var cached = CliRun.Invoke(Distill.CacheTeacher.CacheTeacherCli.Create(), "run", "--model", dir.File("teacher-run", "best"), "--task", "classification",
            "--data", dir.File("train.jsonl"), "--out", cache, "--config", dir.File("hidden-and-attention.json"), "--max-seq-length", "16");
        Assert.True(cached.ExitCode == 0, cached.Output + cached.Error);

        var args = TinyDistillation.DistillArgs(dir, output, distillConfig: dir.File("hidden-and-attention.json")).ToList();
        args[args.IndexOf("--student") + 1] = student;
        args[args.IndexOf("--cache") + 1] = cache;
        var run = Run([.. args]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("the student's vocabulary (21 tokens) is not the teacher's (50)", run.Error);
        Assert.Contains("intermediate_matches[1] (attention, layer_T 0, layer_S 0) matches attention over the teacher's tokens", run.Error);
        Assert.DoesNotContain("intermediate_matches[0]", run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Distill_OnlineTeacherWithOwnVocabularyStudent_RefusedBeforeWriting()
    {
        var output = dir.File("own-vocab-online");
        var args = TinyDistillation.DistillArgs(dir, output).ToList();
        args[args.IndexOf("--student") + 1] = OwnVocabularyStudent("own-vocab-online");
        var cacheAt = args.IndexOf("--cache");
        args[cacheAt] = "--teacher";
        args[cacheAt + 1] = dir.File("teacher-run", "best");

        var run = Run([.. args]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("the student's vocabulary (21 tokens) is not the teacher's (50), and an online teacher reads the student's token ids", run.Error);
        Assert.False(Directory.Exists(output));
    }

    private string OwnVocabularyStudent(string name, string? vocab = null) => TinyDistillation.OwnVocabularyStudent(dir, name, vocab);

    // The best step's checkpoint is kept beside the last one (best/ is rewritten from it); the last sorts last.
    private static string LastCheckpoint(string output) => Directory.GetDirectories(Path.Combine(output, "checkpoints")).Order(StringComparer.Ordinal).Last();

    /// <summary>Mean squared difference between the student's and the teacher's logits over the training data.</summary>
    private double KdDistance(string studentDir) => LogitDistance.ToMeanTeacher(dir, studentDir, dir.File("teacher-run", "best"));
}
