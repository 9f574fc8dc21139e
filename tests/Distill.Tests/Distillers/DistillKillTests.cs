using Distill.Tests.Support;

namespace Distill.Tests.Distillers;

/// <summary>
/// A distillation killed with SIGKILL (the distill-student executable itself, not a shell around it) at several
/// moments and rerun with the same command ends with the same weights as a run never interrupted.
/// </summary>
public sealed class DistillKillTests
{
    [Fact]
    public void Distill_KilledThreeTimesThenRerun_EndsWithTheUninterruptedWeights()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TinyDistillation.Write(dir);
        string[] Args(string output) => [.. TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "30", "--threads", "1"])];

        Assert.Equal(0, KillAndRerun.RunToEnd(Args(dir.File("a"))));
        var (exitCode, killed) = KillAndRerun.KillThenRerun(Args(dir.File("b")), dir.File("b"), [0, 250, 600]);

        Assert.Equal(0, exitCode);
        Assert.True(killed >= 2, $"only {killed} of 3 kills hit a running process; the run is too short for this test");
        var last = Path.Combine("checkpoints", "step-00000360", "model.safetensors"); // 48 examples / 4 × 30 epochs
        Assert.Equal(File.ReadAllBytes(dir.File("a", last)), File.ReadAllBytes(dir.File("b", last)));
    }
}
