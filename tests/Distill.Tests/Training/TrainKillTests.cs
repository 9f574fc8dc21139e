using System.Text.Json;
using Distill.Tests.Support;

namespace Distill.Tests.Training;

/// <summary>
/// <c>distill-student train</c> killed with SIGKILL inside each crash window (a step, a checkpoint write, between
/// a checkpoint and <c>best/</c>, while <c>best/</c> is swapped, before old checkpoints are pruned) and rerun with
/// the same command ends with the uninterrupted run's weights and a byte-identical <c>best/</c>.
/// </summary>
public sealed class TrainKillTests
{
    [Fact]
    public void Train_KilledInEveryWindowThenRerun_EndsWithTheUninterruptedWeightsAndBest()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path, trainCount: 48, devCount: 16);
        File.WriteAllText(dir.File("train.json"), """{"ckpt_steps": 8, "log_steps": 1}""");
        string[] Args(string output) => ["train", "--config", dir.File("train.json"), "--task", "classification", "--model", encoderDir,
            "--train", dir.File("train.jsonl"), "--dev", dir.File("dev.jsonl"), "--out", output,
            "--epochs", "8", "--batch-size", "4", "--lr", "5e-3", "--max-seq-length", "16", "--seed", "4", "--threads", "1"];

        KilledRuns.RunToEnd(Args(dir.File("a")));
        // 48 examples in batches of 4 over 8 epochs: 96 steps, a checkpoint every 8. The kill before best/ is
        // published lands on the last checkpoint that improved, whose best/ no later checkpoint would rewrite.
        var lastBest = ImprovingSteps(dir.File("a", "metrics.jsonl"))[^1];
        Assert.True(lastBest > 24, $"the dev accuracy stopped improving at step {lastBest}; the test needs a later best");
        var pauses = new[] { "best-swap@0", "step@13", "checkpoint@16", "prune@24", $"best@{lastBest}" };
        var lines = pauses.Select(p => KilledRuns.KillAt(p, Args(dir.File("b")))).ToList();
        KilledRuns.RunToEnd(Args(dir.File("b")));

        KilledRuns.AssertSameFiles(dir.File("a", "best"), dir.File("b", "best"));
        KilledRuns.AssertSameFiles(dir.File("a", "checkpoints", "step-00000096"), dir.File("b", "checkpoints", "step-00000096"));
        KilledRuns.AssertSameLayout(dir.File("a"), dir.File("b"));
        // Each step's lines once: what a killed run logged after its last checkpoint is not repeated by the rerun.
        Assert.Equal(LoggedSteps(dir.File("a", "metrics.jsonl")), LoggedSteps(dir.File("b", "metrics.jsonl")));
        Assert.Equal(["pause: best-swap at step 8", "pause: step at step 13", "pause: checkpoint at step 16",
            "pause: prune at step 24", $"pause: best at step {lastBest}"], lines);
    }

    private static List<(long Step, string Split)> LoggedSteps(string metricsLog) =>
        [.. File.ReadLines(metricsLog).Select(l => JsonDocument.Parse(l).RootElement).Select(l => (l.GetProperty("step").GetInt64(), l.GetProperty("split").GetString()!))];

    /// <summary>The steps whose dev accuracy beat every earlier one.</summary>
    private static List<long> ImprovingSteps(string metricsLog)
    {
        var steps = new List<long>();
        var best = double.NegativeInfinity;
        foreach (var line in File.ReadLines(metricsLog).Select(l => JsonDocument.Parse(l).RootElement).Where(l => l.GetProperty("split").GetString() == "dev"))
        {
            var accuracy = line.GetProperty("accuracy").GetDouble();
            if (accuracy <= best) continue;
            best = accuracy;
            steps.Add(line.GetProperty("step").GetInt64());
        }
        return steps;
    }
}
