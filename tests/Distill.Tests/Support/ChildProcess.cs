using System.Diagnostics;
using System.Text;

namespace Distill.Tests.Support;

/// <summary>A stage executable of this build run as a real child process (so that it can be killed with SIGKILL), its output collected.</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly StringBuilder output = new();
    private readonly StringBuilder error = new();

    private ChildProcess(string executable, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, executable)) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        Process = Process.Start(info)!;
        // Drained as it comes, so that a full pipe never blocks the child.
        Process.OutputDataReceived += (_, e) => { lock (output) output.AppendLine(e.Data); };
        Process.ErrorDataReceived += (_, e) => { lock (error) error.AppendLine(e.Data); };
        Process.BeginOutputReadLine();
        Process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output { get { lock (output) return output.ToString(); } }

    public string Error { get { lock (error) return error.ToString(); } }

    public static ChildProcess Start(string executable, IEnumerable<string> args) => new(executable, args);

    /// <summary>Waits for the exit; a child still running after <paramref name="limit"/> is killed and reported as hanging.</summary>
    public int WaitForExit(TimeSpan limit)
    {
        if (!Process.WaitForExit(limit))
        {
            Process.Kill();
            throw new TimeoutException($"{Process.StartInfo.FileName} still ran after {limit.TotalSeconds} s: killed. Output:\n{Output}{Error}");
        }
        Process.WaitForExit(); // the end of the redirected output
        return Process.ExitCode;
    }

    public void Dispose()
    {
        if (!Process.HasExited) Process.Kill();
        Process.Dispose();
    }
}
