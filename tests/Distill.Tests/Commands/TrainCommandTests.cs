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

public sealed class TrainCommandTaskTests
{
    [Fact]
    public void TrainThenEval_TinyTagging_ReportsTokenAccuracyAndEntityF1()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        var conll = string.Join("\n\n", Enumerable.Range(0, 12).Select(i => i % 2 == 0
            ? "-DOCSTART- O\n\nthe O\nmovie B-WORK\nwas O\ngood O"
            : "the O\nmusic B-WORK\nis O\nvery O\nbad O")) + "\n";
        File.WriteAllText(dir.File("train.conll"), conll);
        var output = dir.File("out");

        var train = CliRun.Invoke(DistillStudentCli.Create(), "train", "--task", "tagging", "--model", encoderDir,
            "--train", dir.File("train.conll"), "--dev", dir.File("train.conll"), "--out", output, "--epochs", "2", "--batch-size", "4", "--lr", "0.005");
        var eval = CliRun.Invoke(DistillStudentCli.Create(), "eval", "--task", "tagging", "--model", Path.Combine(output, "best"),
            "--data", dir.File("train.conll"), "--predictions", dir.File("pred.jsonl"), "--json");

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.True(eval.ExitCode == 0, eval.Output + eval.Error);
        var metrics = JsonDocument.Parse(eval.Output).RootElement;
        Assert.InRange(metrics.GetProperty("token_accuracy").GetDouble(), 0, 1);
        Assert.InRange(metrics.GetProperty("entity_f1").GetDouble(), 0, 1);
        var first = JsonDocument.Parse(File.ReadLines(dir.File("pred.jsonl")).First()).RootElement;
        Assert.Equal(4, first.GetProperty("tags").GetArrayLength());
    }

    [SkippableFact]
    public void TrainThenEval_QaFixtures_EndToEndWithWindows()
    {
        TestAssets.RequireMiniLm();
        using var dir = new TemporaryDirectory();
        // A tiny random encoder over the real vocabulary, so the real fixtures tokenize as they would for MiniLM.
        File.Copy(TestAssets.MiniLmVocab, dir.File("vocab.txt"));
        using (var encoder = new Distill.Models.BertModel(TinyBert.Config() with { VocabSize = 30522, MaxPositionEmbeddings = 128 }))
        {
            Distill.Models.ModelDirectory.Save(dir.File("encoder"), encoder, dir.File("vocab.txt"));
        }
        var fixtures = Path.Combine(TestAssets.RepositoryRoot, "pipelines", "fixtures", "qa");
        var output = dir.File("out");

        var train = CliRun.Invoke(DistillStudentCli.Create(), "train", "--task", "qa", "--model", dir.File("encoder"),
            "--train", Path.Combine(fixtures, "train.json"), "--dev", Path.Combine(fixtures, "dev.json"), "--out", output,
            "--epochs", "1", "--batch-size", "16", "--max-seq-length", "96", "--max-query-length", "24", "--doc-stride", "32");
        var eval = CliRun.Invoke(DistillStudentCli.Create(), "eval", "--task", "qa", "--model", Path.Combine(output, "best"),
            "--data", Path.Combine(fixtures, "dev.json"), "--predictions", dir.File("pred.jsonl"), "--max-seq-length", "96", "--max-query-length", "24", "--doc-stride", "32", "--json");

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains("contexts were longer than one window", train.Output);
        Assert.True(eval.ExitCode == 0, eval.Output + eval.Error);
        var metrics = JsonDocument.Parse(eval.Output).RootElement;
        Assert.InRange(metrics.GetProperty("exact_match").GetDouble(), 0, 1);
        Assert.InRange(metrics.GetProperty("f1").GetDouble(), 0, 1);
        var predictions = File.ReadAllLines(dir.File("pred.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(46, predictions.Count);
        Assert.Contains(predictions, p => p.GetProperty("example_id").GetString() == "q30-0-long");
    }
}
