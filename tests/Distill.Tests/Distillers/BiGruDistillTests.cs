using System.Globalization;
using System.Text.Json;
using Distill.DistillStudent;
using Distill.Models;
using Distill.Tests.Support;

namespace Distill.Tests.Distillers;

/// <summary>
/// A BiGRU student (1 layer, 5 per direction: 10 wide against the teacher's 16) through <c>distill</c>,
/// <c>train</c> and <c>eval</c> on the tiny set-up (<see cref="TinyDistillation"/>), by real command lines.
/// </summary>
public sealed class BiGruDistillTests : IClassFixture<BiGruDistillTests.Setup>
{
    public sealed class Setup : IDisposable
    {
        public Setup()
        {
            TestAssets.EnsureTorch();
            TinyDistillation.Write(Dir);
            var init = Run("init-student", "--teacher", Dir.File("teacher-run", "best"), "--arch", "bigru", "--hidden", "5", "--gru-layers", "1",
                "--out", Dir.File("bigru"), "--seed", "4");
            if (init.ExitCode != 0) throw new InvalidOperationException(init.Output + init.Error);
        }

        internal TemporaryDirectory Dir { get; } = new();

        public void Dispose() => Dir.Dispose();
    }

    private readonly TemporaryDirectory dir;

    public BiGruDistillTests(Setup setup) => dir = setup.Dir;

    private static CliRun Run(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    private string[] Common(string output) =>
        ["--task", "classification", "--train", dir.File("train.jsonl"), "--dev", dir.File("dev.jsonl"), "--out", output,
         "--batch-size", "4", "--lr", "1e-2", "--max-seq-length", "16", "--seed", "9", "--epochs", "20"];

    [Fact]
    public void Distill_BiGruFromCacheWithProjectedHiddenMatch_MovesItsLogitsTowardTheTeachers()
    {
        var config = dir.Write("bigru-distill.json", """
            {"temperature": 2, "kd_loss_type": "ce", "hard_label_weight": 0,
             "intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 1, "proj": ["linear", 10, 16]}]}
            """);
        var output = dir.File("distilled");
        var before = LogitDistance.ToMeanTeacher(dir, dir.File("bigru"), dir.File("teacher-run", "best"));

        var run = Run(["distill", "--student", dir.File("bigru"), "--cache", dir.File("cache"), "--distill-config", config, .. Common(output)]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var after = LogitDistance.ToMeanTeacher(dir, Path.Combine(output, "best"), dir.File("teacher-run", "best"));
        Assert.True(after < before / 4, $"mean squared distance of student to teacher logits: before {before}, after {after}");
        Assert.Contains("\"hidden_hidden_mse_0\"", File.ReadAllText(Path.Combine(output, "metrics.jsonl")));
        Assert.Equal("bigru", ModelDirectory.ModelType(Path.Combine(output, "best")));
    }

    [Fact]
    public void TrainThenEval_BiGruWithoutTeacher_LearnsTheTaskAndEvalAgreesWithTheRun()
    {
        var output = dir.File("trained");

        var train = Run(["train", "--model", dir.File("bigru"), .. Common(output)]);
        var eval = Run("eval", "--model", Path.Combine(output, "best"), "--task", "classification", "--data", dir.File("dev.jsonl"),
            "--max-seq-length", "16", "--json");

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.True(eval.ExitCode == 0, eval.Output + eval.Error);
        var best = double.Parse(System.Text.RegularExpressions.Regex.Match(train.Output, @"best accuracy=([0-9.]+)").Groups[1].Value, CultureInfo.InvariantCulture);
        var accuracy = JsonDocument.Parse(eval.Output).RootElement.GetProperty("accuracy").GetDouble();
        Assert.True(best >= 0.9, $"the tiny task is easy; dev accuracy {best}");
        Assert.Equal(best, accuracy, 4);
    }

    [Fact]
    public void Distill_BiGruWithAnAttentionMatch_Exits3NamingIt()
    {
        var config = dir.Write("bigru-attention.json", """
            {"intermediate_matches": [{"layer_T": 0, "layer_S": 0, "feature": "attention", "loss": "attention_mse"}]}
            """);

        var run = Run(["distill", "--student", dir.File("bigru"), "--teacher", dir.File("teacher-run", "best"), "--distill-config", config, .. Common(dir.File("attention"))]);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("a BiGRU student has no attention to match", run.Error);
        Assert.False(Directory.Exists(dir.File("attention")));
    }
}
