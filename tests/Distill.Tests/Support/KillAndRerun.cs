using System.Diagnostics;

namespace Distill.Tests.Support;

/// <summary>
/// Runs the distill-student executable itself (not a shell around it) to the end, or kills it with SIGKILL at
/// moments chosen around its checkpoints and reruns it, for tests that a resumed run ends as an uninterrupted one.
/// </summary>
internal static class KillAndRerun
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "distill-student");

    public static int RunToEnd(string[] args)
    {
        using var process = Start(args);
        process.WaitForExit();
        return process.ExitCode;
    }

    /// <summary>
    /// Starts the run once per delay; each time waits for a checkpoint newer than any before, lets the run go on for
    /// the delay (so the kill lands in a step, in a checkpoint write, or between checkpoints), and kills it. Then
    /// reruns it to the end.
    /// </summary>
    /// <returns>the rerun's exit code and how many kills hit a running process</returns>
    public static (int ExitCode, int Killed) KillThenRerun(string[] args, string output, IEnumerable<int> delaysMs)
    {
        var killedWhileRunning = 0;
        foreach (var delay in delaysMs)
        {
            using var process = Start(args);
            var before = Checkpoints(output);
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (!process.HasExited && Checkpoints(output) == before && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Thread.Sleep(delay);
            if (!process.HasExited)
            {
                process.Kill(); // SIGKILL on Linux
                killedWhileRunning++;
            }
            process.WaitForExit();
        }
        return (RunToEnd(args), killedWhileRunning);
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
}
