using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Training;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;

namespace Distill.Tests.Training;

public sealed class TrainingRunTests
{
    private static TrainingConfig Config(string dir, string encoderDir, string output) => new TrainingConfig
    {
        Task = "classification",
        Model = encoderDir,
        TrainFile = Path.Combine(dir, "train.jsonl"),
        DevFile = Path.Combine(dir, "dev.jsonl"),
        OutputDir = Path.Combine(dir, output),
        NumEpochs = 2,
        BatchSize = 4,
        LearningRate = 1e-3,
        MaxSeqLength = 16,
        CkptSteps = 4,
        LogSteps = 1,
        Seed = 3,
    }.Validate("test");

    [Fact]
    public void Execute_TinySentiment_LearnsAndKeepsBestModel()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path, trainCount: 48, devCount: 16);
        var config = Config(dir.Path, encoderDir, "out") with { NumEpochs = 10, LearningRate = 5e-3, CkptSteps = null };

        var summary = TrainingRun.Execute(config, new StringWriter(), isTerminal: false);

        Assert.Equal("accuracy", summary.MainMetric);
        Assert.True(summary.BestMetric >= 0.9, $"dev accuracy {summary.BestMetric}");
        var best = BertConfig.Load(Path.Combine(summary.BestDir, "config.json"));
        Assert.Equal(["neg", "pos"], best.Id2Label!.OrderBy(kv => kv.Key).Select(kv => kv.Value));
        Assert.True(File.Exists(Path.Combine(dir.Path, "out", "metrics.jsonl")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(dir.Path, "out", "runs"), "events.out.tfevents*", SearchOption.AllDirectories));
        // The last checkpoint (to resume from) and the best step's (to rewrite best/ from) are kept, no other.
        var kept = Directory.GetDirectories(Path.Combine(dir.Path, "out", "checkpoints")).Select(Path.GetFileName).Order(StringComparer.Ordinal);
        Assert.Equal(new[] { $"step-{summary.BestStep:D8}", $"step-{summary.Steps:D8}" }.Distinct().Order(StringComparer.Ordinal), kept);
    }

    [Fact]
    public void Execute_OutputHoldsAnotherRun_Refuses()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        var config = Config(dir.Path, encoderDir, "out") with { NumEpochs = 1 };
        TrainingRun.Execute(config, new StringWriter(), isTerminal: false);

        var error = Assert.Throws<ConfigException>(() => TrainingRun.Execute(config with { LearningRate = 0.5 }, new StringWriter(), isTerminal: false));

        Assert.Contains("holds a run with another configuration", error.Message);
    }

    [Fact]
    public void Execute_RunRecordedBeforeGroupByLengthExisted_ResumesUnlessGroupingIsAsked()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        var config = Config(dir.Path, encoderDir, "out") with { NumEpochs = 1 };
        TrainingRun.Execute(config, new StringWriter(), isTerminal: false);
        var record = Path.Combine(dir.Path, "out", TrainingRun.ConfigFile);

        // Off, the key is not written, so a directory an older build claimed (no such key) still takes the same run.
        Assert.DoesNotContain("group_by_length", File.ReadAllText(record));
        TrainingRun.Execute(config, new StringWriter(), isTerminal: false);
        var error = Assert.Throws<ConfigException>(() => TrainingRun.Execute(config with { GroupByLength = true }, new StringWriter(), isTerminal: false));

        Assert.Contains("group_by_length changed", error.Message);
    }
}
