using Distill.Tests.Support;

namespace Distill.Tests.Distillers;

/// <summary>
/// A distillation killed with SIGKILL (the distill-student executable itself, not a shell around it) inside each
/// crash window and rerun with the same command ends with the uninterrupted run's weights and <c>best/</c>.
/// </summary>
public sealed class DistillKillTests
{
    [Fact]
    public void Distill_KilledInEveryWindowThenRerun_EndsWithTheUninterruptedWeightsAndBest()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TinyDistillation.Write(dir);
        File.WriteAllText(dir.File("train.json"), """{"training": {"ckpt_steps": 12}}""");
        string[] Args(string output) => [.. TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "4", "--threads", "1", "--config", dir.File("train.json")])];

        KilledRuns.RunToEnd(Args(dir.File("a")));
        // 48 examples / 4 × 4 epochs: 48 steps, a checkpoint every 12.
        var lines = new[] { "best-swap@0", "step@15", "checkpoint@24", "best@36", "prune@37" }
            .Select(pause => KilledRuns.KillAt(pause, Args(dir.File("b")))).ToList();
        KilledRuns.RunToEnd(Args(dir.File("b")));

        KilledRuns.AssertSameFiles(dir.File("a", "best"), dir.File("b", "best"));
        KilledRuns.AssertSameFiles(dir.File("a", "checkpoints", "step-00000048"), dir.File("b", "checkpoints", "step-00000048"));
        KilledRuns.AssertSameLayout(dir.File("a"), dir.File("b"));
        Assert.Equal(["pause: best-swap at step 12", "pause: step at step 15", "pause: checkpoint at step 24", "pause: best at step 36", "pause: prune at step 48"], lines);
    }
}
