using System.Diagnostics;

namespace Distill.Tests.Support;

/// <summary>
/// The distill-student executable run as a child process (never a shell around it): to the end, or stopped at a
/// named pause point (<c>DISTILL_PAUSE_AT</c>, see the store's PausePoint) and killed there with SIGKILL.
/// </summary>
internal static class KilledRuns
{
    private static readonly string Executable = Path.Combine(AppContext.BaseDirectory, "distill-student");

    /// <summary>Runs the command to its end; fails the test unless it exits 0.</summary>
    public static void RunToEnd(string[] args)
    {
        using var process = Start(args, pause: null, out var output);
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"distill-student exited {process.ExitCode}: {output}");
    }

    /// <summary>Runs the command until it pauses at <paramref name="pause"/> (POINT@STEP), then kills it with SIGKILL; returns the pause line.</summary>
    public static string KillAt(string pause, string[] args)
    {
        using var process = Paused(pause, args, out var line);
        process.Kill(); // SIGKILL on Linux
        process.WaitForExit();
        return line;
    }

    /// <summary>Starts the command and returns it once it pauses at <paramref name="pause"/> (POINT@STEP), still running; the caller kills it.</summary>
    public static Process Paused(string pause, string[] args, out string pauseLine)
    {
        using var paused = new ManualResetEventSlim();
        string? line = null;
        var process = Start(args, pause, out var output, l =>
        {
            if (!l.StartsWith("pause: ", StringComparison.Ordinal)) return;
            line = l;
            paused.Set();
        });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!paused.Wait(20) && !process.HasExited && DateTime.UtcNow < deadline) { }
        if (!paused.IsSet)
        {
            if (!process.HasExited) process.Kill();
            process.WaitForExit();
            Assert.Fail($"distill-student never paused at {pause} (exit {process.ExitCode}): {output}");
        }
        pauseLine = line!;
        return process;
    }

    /// <summary>Asserts that two run directories hold the same entries (no leftover of a killed run) and the same checkpoints.</summary>
    public static void AssertSameLayout(string expected, string actual)
    {
        static string[] Entries(string dir) => [.. Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(Entries(expected), Entries(actual));
        Assert.Equal(Entries(Path.Combine(expected, "checkpoints")), Entries(Path.Combine(actual, "checkpoints")));
    }

    /// <summary>Asserts that two directories hold the same file names with the same bytes.</summary>
    public static void AssertSameFiles(string expected, string actual)
    {
        static string[] Names(string dir) => [.. Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal)!];
        Assert.Equal(Names(expected), Names(actual));
        foreach (var name in Names(expected))
        {
            Assert.True(File.ReadAllBytes(Path.Combine(expected, name)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(actual, name))),
                $"{Path.Combine(actual, name)} differs from {Path.Combine(expected, name)}");
        }
    }

    private static Process Start(string[] args, string? pause, out System.Text.StringBuilder output, Action<string>? onError = null)
    {
        var info = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        if (pause is null) info.Environment.Remove("DISTILL_PAUSE_AT");
        else info.Environment["DISTILL_PAUSE_AT"] = pause;
        var process = Process.Start(info)!;
        var log = new System.Text.StringBuilder();
        output = log;
        // Drain both pipes so that a full pipe never blocks the child.
        process.OutputDataReceived += (_, e) => { if (e.Data is { } l) lock (log) log.AppendLine(l); };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not { } l) return;
            lock (log) log.AppendLine(l);
            onError?.Invoke(l);
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }
}
