using System.Text.Json;
using Distill.DistillStudent;
using Distill.Tests.Support;

namespace Distill.Tests.Runs;

/// <summary><c>train --config</c> with a whole distillation run file, on the tiny set-up (<see cref="TinyDistillation"/>).</summary>
public sealed class RunFileTests : IClassFixture<TinyDistillationFixture>
{
    private readonly TemporaryDirectory dir;

    public RunFileTests(TinyDistillationFixture setup) => dir = setup.Dir;

    private static CliRun Run(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    private const string GeneralDistillation = """
        {"temperature": 2, "kd_loss_type": "ce", "hard_label_weight": 0.5,
         "intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 1}]}
        """;

    /// <summary>A distillation run file of the tiny student into <paramref name="output"/> (by default kd ce at T=2 and hidden_mse T2↔S1).</summary>
    private string RunFile(string name, string output, string distiller = "general", int caches = 1, string distillation = GeneralDistillation)
    {
        var run = new Dictionary<string, object>
        {
            ["training"] = new Dictionary<string, object>
            {
                ["task"] = "classification", ["model"] = dir.File("student"), ["train_file"] = dir.File("train.jsonl"), ["dev_file"] = dir.File("dev.jsonl"),
                ["output_dir"] = output, ["num_epochs"] = 2, ["batch_size"] = 4, ["learning_rate"] = 5e-3, ["max_seq_length"] = 16, ["seed"] = 9,
            },
            ["distillation"] = JsonDocument.Parse(distillation).RootElement,
            ["distiller"] = distiller,
            ["cache"] = Enumerable.Repeat(dir.File("cache"), caches).ToList(),
        };
        return dir.Write(name, JsonSerializer.Serialize(run));
    }

    [Fact]
    public void Train_DistillationRunFile_RunsItsDistillerAsDistillDoes()
    {
        var file = RunFile("general.json", dir.File("train-general"));

        var train = Run("train", "--config", file);
        var distill = Run("distill", "--config", file, "--out", dir.File("distill-general"));

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains($"trainer: GeneralDistiller (distiller \"general\") from the cache {dir.File("cache")}", train.Output);
        Assert.True(File.Exists(dir.File("train-general", "distill_run.json")));
        Assert.False(File.Exists(dir.File("train-general", "training_config.json")));
        Assert.True(distill.ExitCode == 0, distill.Output + distill.Error);
        Assert.Equal(File.ReadAllBytes(dir.File("distill-general", "best", "model.safetensors")), File.ReadAllBytes(dir.File("train-general", "best", "model.safetensors")));
    }

    [Fact]
    public void Train_DistillationRunFileRerunWithOtherFlags_RefusesNamingTheChange()
    {
        var file = RunFile("rerun.json", dir.File("train-rerun"));
        Assert.Equal(0, Run("train", "--config", file).ExitCode);

        var rerun = Run("train", "--config", file, "--epochs", "3");

        Assert.Equal(3, rerun.ExitCode);
        Assert.Contains("training.num_epochs", rerun.Error);
    }

    [Fact]
    public void Train_RunFileOfTwoCachesWithBasicDistiller_RunsMultiTeacherBasic()
    {
        var file = RunFile("multi.json", dir.File("train-multi"), distiller: "basic", caches: 2, distillation: """{"temperature": 2, "kd_loss_type": "ce"}""");

        var train = Run("train", "--config", file, "--epochs", "1");

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains("trainer: BasicDistiller (distiller \"basic\") from 2 teacher caches (multi-teacher", train.Output);
    }

    [Fact]
    public void Train_RunFileNamingAnUnknownDistiller_Exits3ListingTheKnownOnes()
    {
        var output = dir.File("train-unknown");

        var train = Run("train", "--config", RunFile("unknown.json", output, distiller: "patient"));

        Assert.Equal(3, train.ExitCode);
        Assert.Contains("distiller \"patient\" is not known; known: basic, general", train.Error);
        Assert.False(Directory.Exists(output));
    }
}
