using System.Diagnostics;
using Distill.Tests.Support;

namespace Distill.Tests.Distillers;

/// <summary>
/// A distillation killed with SIGKILL (the distill-student executable itself, not a shell around it) at several
/// moments and rerun with the same command ends with the same weights as a run never interrupted.
/// </summary>
public sealed class DistillKillTests
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "distill-student");

    [Fact]
    public void Distill_KilledThreeTimesThenRerun_EndsWithTheUninterruptedWeights()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TinyDistillation.Write(dir);
        string[] Args(string output) => [.. TinyDistillation.DistillArgs(dir, output, extra: ["--epochs", "30", "--threads", "1"])];

        Assert.Equal(0, RunToEnd(Args(dir.File("a"))));

        var killedWhileRunning = 0;
        foreach (var delay in new[] { 0, 250, 600 })
        {
            using var process = Start(Args(dir.File("b")));
            // Wait for a checkpoint newer than any before, then let the run go on for a moment: the kill lands
            // in a step, in a checkpoint write, or between checkpoints.
            var before = Checkpoints(dir.File("b"));
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!process.HasExited && Checkpoints(dir.File("b")) == before && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Thread.Sleep(delay);
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL on Linux
                killedWhileRunning++;
            }
            process.WaitForExit();
        }
        Assert.Equal(0, RunToEnd(Args(dir.File("b"))));

        Assert.True(killedWhileRunning >= 2, $"only {killedWhileRunning} of 3 kills hit a running process; the run is too short for this test");
        var last = Path.Combine("checkpoints", "step-00000360", "model.safetensors"); // 48 examples / 4 × 30 epochs
        Assert.Equal(File.ReadAllBytes(dir.File("a", last)), File.ReadAllBytes(dir.File("b", last)));
    }

    private static string Checkpoints(string output)
    {
        var directory = Path.Combine(output, "checkpoints");
        return Directory.Exists(directory) ? string.Join(",", Directory.GetDirectories(directory).Order()) : "";
    }

    private static Process Start(string[] args)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        var process = Process.Start(info)!;
        // Drain the pipes so that a full pipe never blocks the child.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static int RunToEnd(string[] args)
    {
        using var process = Start(args);
        process.WaitForExit();
        return process.ExitCode;
    }
}
