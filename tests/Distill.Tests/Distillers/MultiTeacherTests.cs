using System.Text.Json.Nodes;
using Distill.CacheTeacher;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent;
using Distill.DistillStudent.Runs;
using Distill.Tests.Support;

namespace Distill.Tests.Distillers;

/// <summary>
/// Multi-teacher distillation (<c>distill --cache A --cache B</c>) through real command lines on the tiny set-up
/// plus a second teacher fine-tuned with another seed and cached (cache-b), a copy of the first cache whose
/// manifest lists the labels in the other order, and a cache of the first 40 of the 48 training examples.
/// </summary>
public sealed class MultiTeacherTests : IClassFixture<MultiTeacherTests.Setup>
{
    public sealed class Setup : IDisposable
    {
        public Setup()
        {
            TestAssets.EnsureTorch();
            TinyDistillation.Write(Dir);
            var second = new TrainingConfig
            {
                Task = "classification", Model = Dir.File("encoder"), TrainFile = Dir.File("train.jsonl"), DevFile = Dir.File("dev.jsonl"),
                OutputDir = Dir.File("teacher-b-run"), NumEpochs = 15, BatchSize = 4, LearningRate = 5e-3, MaxSeqLength = 16, Seed = 2,
            }.Validate("test");
            TrainingRun.Execute(second, new StringWriter(), isTerminal: false);
            Cache(Dir.File("teacher-b-run", "best"), "train.jsonl", "cache-b");

            // The same file name, so that the feature ids (file:line) of the 40 lines it keeps are the full cache's.
            Directory.CreateDirectory(Dir.File("subset"));
            File.WriteAllLines(Dir.File("subset", "train.jsonl"), File.ReadLines(Dir.File("train.jsonl")).Take(40));
            Cache(Dir.File("teacher-run", "best"), Path.Combine("subset", "train.jsonl"), Path.Combine("subset", "cache"));

            CopyDirectory(Dir.File("cache"), Dir.File("cache-relabelled"));
            var manifestPath = Dir.File("cache-relabelled", "manifest.json");
            var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
            var config = manifest["teacher"]!["config"]!;
            var id2label = config["id2label"]!.AsObject();
            config["id2label"] = new JsonObject { ["0"] = (string)id2label["1"]!, ["1"] = (string)id2label["0"]! };
            File.WriteAllText(manifestPath, manifest.ToJsonString());
        }

        internal TemporaryDirectory Dir { get; } = new();

        public void Dispose() => Dir.Dispose();

        private void Cache(string teacher, string data, string output)
        {
            var run = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--model", teacher, "--task", "classification", "--data", Dir.File(data),
                "--out", Dir.File(output), "--hidden-layers", "0,1,2", "--dtype", "fp32", "--max-seq-length", "16", "--rows-per-shard", "20");
            if (run.ExitCode != 0) throw new InvalidOperationException(run.Output + run.Error);
        }

        private static void CopyDirectory(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private readonly TemporaryDirectory dir;

    public MultiTeacherTests(Setup setup) => dir = setup.Dir;

    /// <summary>The tiny distillation's arguments with a second <c>--cache</c>.</summary>
    private string[] Args(string output, string secondCache, string? distillConfig = null) =>
        [.. TinyDistillation.DistillArgs(dir, output, distillConfig: distillConfig), "--cache", dir.File(secondCache)];

    private static CliRun Run(string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    [Fact]
    public void Distill_CachesDisagreeOnLabelOrder_Exits3NamingBothCaches()
    {
        var output = dir.File("relabelled");

        var run = Run(Args(output, "cache-relabelled"));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains($"{dir.File("cache-relabelled")} has labels [pos, neg], {dir.File("cache")} [neg, pos]", run.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Distill_CachesCoverOtherExamples_Exits3NamingBothCachesAndTheCounts()
    {
        var output = dir.File("not-covered");

        var run = Run(Args(output, Path.Combine("subset", "cache")));

        Assert.Equal(3, run.ExitCode);
        var subset = dir.File("subset", "cache");
        Assert.Contains($"{subset} covers other examples than {dir.File("cache")}: 0 feature id(s) only in {subset}, 8 only in {dir.File("cache")}", run.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Distill_MatchNamesATeacherTheRunLacks_Exits3NamingTheField()
    {
        File.WriteAllText(dir.File("teacher-2.json"), """{"intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "teacher": 2}]}""");

        var run = Run(Args(dir.File("no-teacher-2"), "cache-b", dir.File("teacher-2.json")));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("intermediate_matches[0].teacher 2 is not a teacher of this run; it has teachers 0..1", run.Error);
    }

    [Fact]
    public void Distill_TwoTeachers_MovesTheStudentTowardTheirMeanLogits()
    {
        // KD on the mean logits, plus a hidden-state match read from the second teacher.
        File.WriteAllText(dir.File("two.json"), """
            {"temperature": 2, "hard_label_weight": 0.5,
             "intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "teacher": 1}]}
            """);
        var output = dir.File("two");
        var before = DistanceToMeanTeacher(dir.File("student"));

        var run = Run(Args(output, "cache-b", dir.File("two.json")));

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var after = DistanceToMeanTeacher(Directory.GetDirectories(Path.Combine(output, "checkpoints")).Order(StringComparer.Ordinal).Last());
        Assert.True(after < before / 4, $"mean squared distance of student to the teachers' mean logits: before {before}, after {after}");
        Assert.Contains("\"hidden_hidden_mse_0\"", File.ReadAllText(Path.Combine(output, "metrics.jsonl")));
        Assert.Contains(dir.File("cache-b"), File.ReadAllText(Path.Combine(output, "distill_run.json")));
    }

    private double DistanceToMeanTeacher(string studentDir) =>
        LogitDistance.ToMeanTeacher(dir, studentDir, dir.File("teacher-run", "best"), dir.File("teacher-b-run", "best"));
}
