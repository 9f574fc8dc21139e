namespace Distill.Export.Quantization;

/// <summary>
/// Counts of values in equal-width bins over [min, max], for percentile calibration: the range that leaves out at
/// most a given fraction of the values on each side (outliers that would otherwise stretch the uint8 steps).
/// A value outside [min, max] counts in the nearest end bin.
/// </summary>
internal sealed class RangeHistogram
{
    private readonly long[] counts;
    private readonly float min;
    private readonly float width;

    public RangeHistogram(float min, float max, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(bins);
        if (!(max >= min)) throw new ArgumentException($"max {max} is below min {min}", nameof(max));
        counts = new long[bins];
        this.min = min;
        width = (max - min) / bins;
        Max = max;
    }

    public float Max { get; }

    public long Count { get; private set; }

    public void Add(ReadOnlySpan<float> values)
    {
        var last = counts.Length - 1;
        foreach (var value in values)
        {
            var bin = width > 0 ? (int)Math.Clamp(MathF.Floor((value - min) / width), 0, last) : 0;
            counts[bin]++;
        }
        Count += values.Length;
    }

    /// <summary>The lower edge of the first bin at which more than <paramref name="fraction"/> of the values lie at or below it.</summary>
    public float Lower(double fraction)
    {
        var drop = fraction * Count;
        long cumulative = 0;
        for (var bin = 0; bin < counts.Length; bin++)
        {
            cumulative += counts[bin];
            if (cumulative > drop) return min + bin * width;
        }
        return Max;
    }

    /// <summary>The upper edge of the last bin at which more than <paramref name="fraction"/> of the values lie at or above it.</summary>
    public float Upper(double fraction)
    {
        var drop = fraction * Count;
        long cumulative = 0;
        for (var bin = counts.Length - 1; bin >= 0; bin--)
        {
            cumulative += counts[bin];
            if (cumulative > drop) return bin == counts.Length - 1 ? Max : min + (bin + 1) * width;
        }
        return min;
    }
}
