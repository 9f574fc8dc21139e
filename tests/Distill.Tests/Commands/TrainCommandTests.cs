using System.Text.Json;
using Distill.DistillStudent;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Models.Bert;
using Distill.Models.Heads;

namespace Distill.Tests.Commands;

public sealed class TrainCommandTests
{
    [Fact]
    public void TrainThenEval_TinyModel_BestModelScoresItsRecordedDevMetrics()
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
            "--data", dir.File("dev.jsonl"), "--max-seq-length", "16", "--out", dir.File("eval"), "--json");

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains("train: done, 6 steps", train.Output);
        Assert.Contains("trainer: BasicTrainer (supervised, no teacher)", train.Output);
        var saved = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "training_config.json"))).RootElement;
        Assert.Equal(0.001, saved.GetProperty("learning_rate").GetDouble());
        Assert.Equal(8, saved.GetProperty("batch_size").GetInt32());
        Assert.True(eval.ExitCode == 0, eval.Output + eval.Error);
        var metrics = JsonDocument.Parse(eval.Output).RootElement;
        AssertMetricsOfBestStep(output, metrics);
        Assert.Equal(metrics.GetRawText(), File.ReadAllText(dir.File("eval", "metrics.json")).Trim());
        var predictions = File.ReadAllLines(dir.File("eval", "predictions.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(8, predictions.Count);
        Assert.Equal("dev.jsonl:1", predictions[0].GetProperty("example_id").GetString());
        // The accuracy printed is the one of the predictions written.
        var correct = predictions.Count(p => p.GetProperty("label").GetString() == p.GetProperty("gold").GetString());
        Assert.Equal(correct / 8.0, metrics.GetProperty("accuracy").GetDouble(), 12);
    }

    [Fact]
    public void Eval_NoOut_PrintsMetricsOnlyAndWritesNothing()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TinyTask.Write(dir.Path);
        using (var classifier = new BertForSequenceClassification(TinyBert.Config(), numLabels: 2))
        {
            TaskModelDirectory.Save(dir.File("classifier"), classifier, ["neg", "pos"], dir.File("vocab.txt"));
        }
        string[] Files() => [.. Directory.GetFileSystemEntries(dir.Path, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)];
        var before = Files();
        string[] Eval(params string[] extra) => ["eval", "--task", "classification", "--model", dir.File("classifier"),
            "--data", dir.File("dev.jsonl"), "--max-seq-length", "16", .. extra];

        var metricsOnly = CliRun.Invoke(DistillStudentCli.Create(), Eval());
        var toStdout = CliRun.Invoke(DistillStudentCli.Create(), Eval("--out", "-"));

        Assert.True(metricsOnly.ExitCode == 0, metricsOnly.Output + metricsOnly.Error);
        Assert.Matches(@"^accuracy=\d\.\d{4} macro_f1=\d\.\d{4}\neval: 8 inputs\n$", metricsOnly.Output);
        Assert.True(toStdout.ExitCode == 0, toStdout.Output + toStdout.Error);
        var lines = toStdout.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(8, lines.Length);
        Assert.Equal("dev.jsonl:1", JsonDocument.Parse(lines[0]).RootElement.GetProperty("example_id").GetString());
        Assert.StartsWith("accuracy=", toStdout.Error);
        Assert.Equal(before, Files());
    }

    /// <summary>Eval of OUT/best gives the dev metrics the trainer recorded for the best step.</summary>
    internal static void AssertMetricsOfBestStep(string output, JsonElement metrics)
    {
        var recorded = JsonDocument.Parse(File.ReadAllText(Path.Combine(output, "best", "trainer_state.json"))).RootElement.GetProperty("metrics");
        Assert.Equal(recorded.EnumerateObject().Select(p => p.Name).Order(), metrics.EnumerateObject().Select(p => p.Name).Order());
        foreach (var metric in recorded.EnumerateObject()) Assert.Equal(metric.Value.GetDouble(), metrics.GetProperty(metric.Name).GetDouble(), 12);
    }

    [Fact]
    public void Train_InvalidConfigValue_BadInputNamingTheField()
    {
        using var dir = new TemporaryDirectory();

        // In a config file (on the command line, --epochs 0 is a usage error: CountOptions).
        var run = CliRun.Invoke(DistillStudentCli.Create(), "train", "--config", dir.Write("train.json", """{"num_epochs": 0}"""), "--task", "classification",
            "--model", dir.Path, "--train", dir.File("t.jsonl"), "--out", dir.File("o"));

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("num_epochs must be positive, found 0", run.Error);
    }
}

public sealed class TrainCommandTaskTests
{
    [Fact]
    public void TrainThenEval_TinyTagging_LearnsTheSentencesItSaw()
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
            "--train", dir.File("train.conll"), "--dev", dir.File("train.conll"), "--out", output, "--epochs", "10", "--batch-size", "4", "--lr", "0.005",
            "--max-seq-length", "32");
        // The tiny encoder has 32 positions: the default max_seq_length (128) is refused up front.
        var eval = CliRun.Invoke(DistillStudentCli.Create(), "eval", "--task", "tagging", "--model", Path.Combine(output, "best"),
            "--data", dir.File("train.conll"), "--out", dir.File("eval"), "--json", "--max-seq-length", "32");

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.True(eval.ExitCode == 0, eval.Output + eval.Error);
        var metrics = JsonDocument.Parse(eval.Output).RootElement;
        TrainCommandTests.AssertMetricsOfBestStep(output, metrics);
        // Two sentence shapes seen again and again: the model learns them (it scores on what it trained on).
        Assert.True(metrics.GetProperty("token_accuracy").GetDouble() >= 0.95, eval.Output);
        Assert.True(metrics.GetProperty("entity_f1").GetDouble() >= 0.9, eval.Output);
        var first = JsonDocument.Parse(File.ReadLines(dir.File("eval", "predictions.jsonl")).First()).RootElement;
        Assert.Equal(4, first.GetProperty("tags").GetArrayLength());
    }

    [SkippableFact]
    public void TrainThenEval_QaFixtures_EndToEndWithWindows()
    {
        TestAssets.RequireMiniLm();
        using var dir = new TemporaryDirectory();
        // A tiny random encoder over the real vocabulary, so the real fixtures tokenize as they would for MiniLM.
        File.Copy(TestAssets.MiniLmVocab, dir.File("vocab.txt"));
        using (var encoder = new Distill.Models.Bert.BertModel(TinyBert.Config() with { VocabSize = 30522, MaxPositionEmbeddings = 128 }))
        {
            Distill.Models.ModelDirectory.Save(dir.File("encoder"), encoder, dir.File("vocab.txt"));
        }
        var fixtures = Path.Combine(TestAssets.RepositoryRoot, "pipelines", "fixtures", "qa");
        var output = dir.File("out");

        var train = CliRun.Invoke(DistillStudentCli.Create(), "train", "--task", "qa", "--model", dir.File("encoder"),
            "--train", Path.Combine(fixtures, "train.json"), "--dev", Path.Combine(fixtures, "dev.json"), "--out", output,
            "--epochs", "1", "--batch-size", "16", "--max-seq-length", "96", "--max-query-length", "24", "--doc-stride", "32");
        var eval = CliRun.Invoke(DistillStudentCli.Create(), "eval", "--task", "qa", "--model", Path.Combine(output, "best"),
            "--data", Path.Combine(fixtures, "dev.json"), "--out", dir.File("eval"), "--max-seq-length", "96", "--max-query-length", "24", "--doc-stride", "32", "--json");

        Assert.True(train.ExitCode == 0, train.Output + train.Error);
        Assert.Contains("contexts were longer than one window", train.Output);
        Assert.True(eval.ExitCode == 0, eval.Output + eval.Error);
        var metrics = JsonDocument.Parse(eval.Output).RootElement;
        TrainCommandTests.AssertMetricsOfBestStep(output, metrics);
        var predictions = File.ReadAllLines(dir.File("eval", "predictions.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(46, predictions.Count);
        Assert.Contains(predictions, p => p.GetProperty("example_id").GetString() == "q30-0-long");
    }
}
