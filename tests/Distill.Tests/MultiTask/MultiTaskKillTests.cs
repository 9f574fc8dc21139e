using Distill.Tests.Support;

namespace Distill.Tests.MultiTask;

/// <summary>
/// A multi-task distillation killed with SIGKILL (the executable itself) at three points and rerun ends with the
/// uninterrupted run's weights: the task draws and every task's position in its data are restored.
/// </summary>
public sealed class MultiTaskKillTests
{
    [Fact]
    public void DistillMultiTask_KilledThreeTimesThenRerun_EndsWithTheUninterruptedWeights()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TinyMultiTask.Write(dir);
        string[] Args(string output) => ["distill-multitask", "--config", TinyMultiTask.Config(dir, output, steps: 240, ckptSteps: 10, name: Path.GetFileName(output) + ".json"), "--threads", "1"];

        KilledRuns.RunToEnd(Args(dir.File("a")));
        var lines = new[] { "step@5", "step@117", "checkpoint@200" }.Select(pause => KilledRuns.KillAt(pause, Args(dir.File("b")))).ToList();
        KilledRuns.RunToEnd(Args(dir.File("b")));

        Assert.Equal(["pause: step at step 5", "pause: step at step 117", "pause: checkpoint at step 200"], lines);
        var last = Path.Combine("checkpoints", "step-00000240", "model.safetensors");
        Assert.Equal(File.ReadAllBytes(dir.File("a", last)), File.ReadAllBytes(dir.File("b", last)));
    }
}
