using Distill.Tests.Support;

namespace Distill.Tests.MultiTask;

/// <summary>
/// A multi-task distillation killed with SIGKILL (the executable itself) three times and rerun ends with the
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

        Assert.Equal(0, KillAndRerun.RunToEnd(Args(dir.File("a"))));
        var (exitCode, killed) = KillAndRerun.KillThenRerun(Args(dir.File("b")), dir.File("b"), [0, 250, 600]);

        Assert.Equal(0, exitCode);
        Assert.True(killed >= 2, $"only {killed} of 3 kills hit a running process; the run is too short for this test");
        var last = Path.Combine("checkpoints", "step-00000240", "model.safetensors");
        Assert.Equal(File.ReadAllBytes(dir.File("a", last)), File.ReadAllBytes(dir.File("b", last)));
    }
}
