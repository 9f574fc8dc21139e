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
        var encoderDir = TinyTask.Write(dir.Path, trainCount: 24, devCount: 16);
        File.WriteAllText(dir.File("train.json"), """{"ckpt_steps": 2, "log_steps": 1}""");
        string[] Args(string output) => ["train", "--config", dir.File("train.json"), "--task", "classification", "--model", encoderDir,
            "--train", dir.File("train.jsonl"), "--dev", dir.File("dev.jsonl"), "--out", output,
            "--epochs", "4", "--batch-size", "4", "--lr", "2e-3", "--max-seq-length", "16", "--seed", "4", "--threads", "1"];

        KilledRuns.RunToEnd(Args(dir.File("a")));
        // 24 examples in batches of 4 over 4 epochs: 24 steps, a checkpoint every 2.
        var pauses = new[] { "best-swap@0", "step@5", "checkpoint@6", "best@8", "prune@10", "best@24" };
        var lines = pauses.Select(p => KilledRuns.KillAt(p, Args(dir.File("b")))).ToList();
        KilledRuns.RunToEnd(Args(dir.File("b")));

        KilledRuns.AssertSameFiles(dir.File("a", "best"), dir.File("b", "best"));
        KilledRuns.AssertSameFiles(dir.File("a", "checkpoints", "step-00000024"), dir.File("b", "checkpoints", "step-00000024"));
        Assert.Equal(["pause: best-swap at step 2", "pause: step at step 5", "pause: checkpoint at step 6", "pause: best at step 8",
            "pause: prune at step 10", "pause: best at step 24"], lines);
    }
}
