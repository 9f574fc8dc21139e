using System.Globalization;

namespace Distill.Logging;

/// <summary>
/// Throughput and time left for a loop: <see cref="Rate"/> is the mean items per second since the start,
/// <see cref="Eta"/> the remaining items at that rate, or null while no rate is known yet.
/// </summary>
internal readonly record struct ProgressEstimate(double Rate, TimeSpan? Eta)
{
    /// <summary>The estimate after <paramref name="done"/> of <paramref name="total"/> items took <paramref name="elapsed"/>.</summary>
    public static ProgressEstimate Compute(long done, long total, TimeSpan elapsed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(done);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(done, total);
        ArgumentOutOfRangeException.ThrowIfLessThan(elapsed, TimeSpan.Zero);
        var rate = elapsed > TimeSpan.Zero ? done / elapsed.TotalSeconds : 0;
        if (done == total)
        {
            return new ProgressEstimate(rate, TimeSpan.Zero);
        }
        var seconds = rate > 0 ? (total - done) / rate : double.PositiveInfinity;
        // A nearly stalled loop gives an ETA beyond what TimeSpan holds; that is as unknown as no rate at all.
        return new ProgressEstimate(rate, seconds < TimeSpan.MaxValue.TotalSeconds ? TimeSpan.FromSeconds(seconds) : null);
    }

    /// <summary><c>12.3 it/s</c>, or <c>4.0 s/it</c> below one item per second, where items per second would read 0.2 or 0.0.</summary>
    public static string FormatRate(double rate) =>
        rate is > 0 and < 1
            ? string.Create(CultureInfo.InvariantCulture, $"{1 / rate:0.0} s/it")
            : string.Create(CultureInfo.InvariantCulture, $"{rate:0.0} it/s");

    /// <summary>Hours, minutes and whole seconds as <c>hh:mm:ss</c> (hours grow past 99), or <c>--:--:--</c> when unknown.</summary>
    public static string FormatDuration(TimeSpan? duration) =>
        duration is { } d
            ? string.Create(CultureInfo.InvariantCulture, $"{(long)d.TotalHours:00}:{d.Minutes:00}:{d.Seconds:00}")
            : "--:--:--";
}
