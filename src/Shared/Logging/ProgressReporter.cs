namespace Distill.Logging;

/// <summary>
/// Progress of a long loop. On a terminal it redraws one line in place (bar, percent, done/total, rate, ETA,
/// suffix); when the output is redirected to a log it writes a plain line at most once per interval and on the
/// last item, e.g. <c>train 120/300 (40%) 12.3 it/s eta 00:00:14 loss=0.4512</c>, so logs stay short and greppable.
/// <see cref="Complete"/> writes the closing line. Not thread-safe.
/// </summary>
internal sealed class ProgressReporter
{
    private const int BarWidth = 30;

    // Fast enough to look live, slow enough that a tight loop does not spend its time on the console.
    private static readonly TimeSpan TerminalRedraw = TimeSpan.FromMilliseconds(100);

    private readonly TextWriter writer;
    private readonly bool isTerminal;
    private readonly long total;
    private readonly string label;
    private readonly TimeSpan interval;
    private readonly TimeProvider time;
    private readonly long start;
    private long? lastDraw;
    private long done;
    private long drawnDone = -1;
    private int drawnLength;
    private bool completed;

    /// <param name="writer">Where progress goes; usually standard error.</param>
    /// <param name="isTerminal">True to redraw one line in place; false for plain periodic lines.</param>
    /// <param name="total">The number of items the loop will process.</param>
    /// <param name="label">The first word of each line, e.g. <c>train</c> or <c>eval</c>.</param>
    /// <param name="interval">The least time between plain lines; 10 seconds when null.</param>
    /// <param name="time">The clock; the system clock when null.</param>
    public ProgressReporter(TextWriter writer, bool isTerminal, long total, string label, TimeSpan? interval = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegative(total);
        ArgumentException.ThrowIfNullOrWhiteSpace(label);
        this.writer = writer;
        this.isTerminal = isTerminal;
        this.total = total;
        this.label = label;
        this.interval = interval ?? TimeSpan.FromSeconds(10);
        ArgumentOutOfRangeException.ThrowIfLessThan(this.interval, TimeSpan.Zero, nameof(interval));
        this.time = time ?? TimeProvider.System;
        start = this.time.GetTimestamp();
        // A terminal shows the bar at once; a log gets its first line only after an interval, so a loop
        // shorter than that logs just its last item and the closing line.
        lastDraw = isTerminal ? null : start;
    }

    /// <summary>Progress on standard error, redrawn in place unless standard error is redirected.</summary>
    public static ProgressReporter ForConsole(long total, string label) =>
        new(Console.Error, !Console.IsErrorRedirected, total, label);

    /// <summary>Notes that <paramref name="done"/> items are finished; <paramref name="suffix"/> (e.g. <c>loss=0.4512</c>) ends the line.</summary>
    public void Report(long done, string? suffix = null)
    {
        if (completed)
        {
            throw new InvalidOperationException($"{label}: progress was reported after Complete()");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(done, total);
        this.done = done;
        var now = time.GetTimestamp();
        var lastItem = done == total && drawnDone != total;
        var due = lastDraw is not { } last || time.GetElapsedTime(last, now) >= (isTerminal ? TerminalRedraw : interval);
        if (!lastItem && !due)
        {
            return;
        }
        lastDraw = now;
        drawnDone = done;
        var estimate = ProgressEstimate.Compute(done, total, time.GetElapsedTime(start, now));
        if (isTerminal)
        {
            Redraw($"{label} [{Bar()}] {Percent(),3}% {done}/{total} {RateAndEta(estimate)}{Suffix(suffix)}");
        }
        else
        {
            writer.WriteLine($"{label} {done}/{total} ({Percent()}%) {RateAndEta(estimate)}{Suffix(suffix)}");
        }
        writer.Flush();
    }

    /// <summary>Writes the closing line with the item count, elapsed time and mean rate; later calls do nothing.</summary>
    public void Complete(string? summary = null)
    {
        if (completed)
        {
            return;
        }
        completed = true;
        var elapsed = time.GetElapsedTime(start);
        var rate = ProgressEstimate.Compute(done, total, elapsed).Rate;
        var line = $"{label} done {done}/{total} in {ProgressEstimate.FormatDuration(elapsed)} ({ProgressEstimate.FormatRate(rate)}){Suffix(summary)}";
        if (isTerminal)
        {
            Redraw(line);
            writer.WriteLine();
        }
        else
        {
            writer.WriteLine(line);
        }
        writer.Flush();
    }

    private long Percent() => total == 0 ? 100 : done * 100 / total;

    private string Bar()
    {
        var filled = total == 0 ? BarWidth : (int)(done * BarWidth / total);
        return new string('#', filled) + new string('.', BarWidth - filled);
    }

    private static string RateAndEta(ProgressEstimate estimate) =>
        $"{ProgressEstimate.FormatRate(estimate.Rate)} eta {ProgressEstimate.FormatDuration(estimate.Eta)}";

    private static string Suffix(string? text) => string.IsNullOrEmpty(text) ? "" : " " + text;

    /// <summary>Overwrites the current line, padding with spaces where the previous line was longer.</summary>
    private void Redraw(string line)
    {
        writer.Write('\r' + line.PadRight(drawnLength));
        drawnLength = line.Length;
    }
}
