using System.Collections.Concurrent;
using System.Diagnostics;

namespace Distill.Tests.Support;

/// <summary>A repository script run with bash to its end (or killed with its children at the limit), output captured.</summary>
internal sealed record ScriptRun(int ExitCode, bool TimedOut, string Output)
{
    /// <summary>The exit code by which our test scripts say they cannot run here; they print the reason.</summary>
    public const int Skipped = 77;

    public static ScriptRun Invoke(string script, TimeSpan limit, params string[] args) =>
        Invoke(script, limit, new Dictionary<string, string>(), args);

    /// <summary>As <see cref="Invoke(string, TimeSpan, string[])"/>, with <paramref name="environment"/> added to the script's.</summary>
    public static ScriptRun Invoke(string script, TimeSpan limit, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment) info.Environment[name] = value;
        info.ArgumentList.Add(Path.Combine(TestAssets.RepositoryRoot, script));
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var lines = new ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var finished = process.WaitForExit(limit);
        if (!finished) process.Kill(entireProcessTree: true);
        process.WaitForExit();
        return new ScriptRun(finished ? process.ExitCode : -1, !finished, string.Join('\n', lines));
    }

    /// <summary>Skips the calling test when the script said it cannot run here, with its reason.</summary>
    public void SkipIfSkipped() =>
        Skip.If(!TimedOut && ExitCode == Skipped, Output.Split('\n').LastOrDefault(l => l.Contains("skip:", StringComparison.Ordinal)));
}
