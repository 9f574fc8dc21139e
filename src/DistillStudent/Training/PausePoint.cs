using System.Globalization;
using Distill.Errors;

namespace Distill.DistillStudent.Training;

/// <summary>
/// The fault-injection hook of the crash tests: a SIGKILL must be able to land deterministically inside the windows
/// that matter (a step, a checkpoint write, between a checkpoint and <c>best/</c>), which a timed kill hits only by
/// luck. With <c>DISTILL_PAUSE_AT=POINT@STEP</c> in the environment, the process stops the first time it reaches
/// POINT at or after optimizer step STEP, writes <c>pause: POINT at step N</c> to stderr and sleeps until killed.
/// Points: <c>step</c> (a step's gradients computed, the weights not yet updated), <c>checkpoint</c> (a checkpoint's
/// files written, its checksums not), <c>best</c> (a checkpoint published, <c>best/</c> not yet rewritten),
/// <c>best-swap</c> (the old <c>best/</c> moved aside, the new one not yet in place), <c>prune</c> (<c>best/</c>
/// published, older checkpoints not yet deleted). Without the variable it does nothing.
/// </summary>
internal static class PausePoint
{
    public const string Variable = "DISTILL_PAUSE_AT";

    private static readonly (string Point, long Step)? Target = Parse(Environment.GetEnvironmentVariable(Variable));

    public static void Reach(string point, long step)
    {
        if (Target is not { } target || target.Point != point || step < target.Step) return;
        Console.Error.WriteLine($"pause: {point} at step {step}");
        Console.Error.Flush();
        Thread.Sleep(Timeout.Infinite);
    }

    private static (string, long)? Parse(string? value)
    {
        if (string.IsNullOrEmpty(value)) return null;
        var at = value.LastIndexOf('@');
        if (at <= 0 || !long.TryParse(value[(at + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var step))
        {
            throw new KindedException(ErrorKind.Usage, $"{Variable}={value}: expected POINT@STEP, e.g. best@4");
        }
        return (value[..at], step);
    }
}
