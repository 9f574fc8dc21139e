using System.Text.Json;
using Distill.DistillStudent;
using Distill.Tests.Support;

namespace Distill.Tests.Commands;

public sealed class TrainCommandTests
{
    [Fact]
    public void TrainThenEval_TinyModel_WritesBestModelMetricsAndPredictions()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        File.WriteAllText(dir.File("train.json"), """{"learning_rate": 0.001, "num_epochs": 2, "log_steps": 1}""");
        var output = dir.File("out");

        var train = CliRun.Invoke(DistillStudentCli.Create(), "train", "--config", dir.File("train.json"), "--task", "classification",
            "--model", encoderDir, "--train", dir.File("train.jsonl"), "--dev", dir.File("dev.jsonl"), "--out", output,
            "--batch-size", "8", "--max-seq-length", "16", "--seed", "1");
        var eval = CliRun.Invoke(DistillStudentCli.Create(), "eval", "--task", "classification", "--model", Path.Combine(output, "best"),
            "--data", dir.File("dev.jsonl"), "--predictions", dir.File("pred.jsonl"), "--json");

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains("train: done, 6 steps", train.Output);
        var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "training_config.json"))).RootElement;
        Assert.Equal(0.001, saved.GetProperty("learning_rate").GetDouble());
        Assert.Equal(8, saved.GetProperty("batch_size").GetInt32());
        Assert.True(eval.ExitCode == 0, eval.Output + eval.Error);
        var metrics = JsonDocument.Parse(eval.Output).RootElement;
        Assert.InRange(metrics.GetProperty("accuracy").GetDouble(), 0, 1);
        Assert.True(metrics.TryGetProperty("macro_f1", out _));
        var predictions = File.ReadAllLines(dir.File("pred.jsonl"));
        Assert.Equal(8, predictions.Length);
        Assert.Equal("dev.jsonl:1", JsonDocument.Parse(predictions[0]).RootElement.GetProperty("example_id").GetString());
    }

    [Fact]
    public void Train_InvalidConfigValue_BadInputNamingTheField()
    {
        using var dir = new TemporaryDirectory();

        var run = CliRun.Invoke(DistillStudentCli.Create(), "train", "--task", "classification", "--model", dir.Path,
            "--train", dir.File("t.jsonl"), "--out", dir.File("o"), "--epochs", "0");

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("num_epochs must be positive, found 0", run.Error);
    }
}
