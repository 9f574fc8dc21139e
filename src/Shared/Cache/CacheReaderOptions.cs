namespace Distill.Cache;

/// <summary>Settings of a <see cref="CacheReader"/>.</summary>
public sealed record CacheReaderOptions
{
    /// <summary>
    /// Read shards and their row groups in a seeded random order and pass rows through a bounded random
    /// buffer; off by default (manifest order, rows in file order).
    /// </summary>
    public bool Shuffle { get; init; }

    /// <summary>Seed of the shuffle; the same seed gives the same order. Vary it per epoch.</summary>
    public int Seed { get; init; }

    /// <summary>Rows held for shuffling; memory is bounded by it, not by the cache size. Default 4096.</summary>
    public int ShuffleBuffer { get; init; } = 4096;

    /// <summary>Row groups decoded ahead on a background task; default 2.</summary>
    public int Prefetch { get; init; } = 2;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ShuffleBuffer, 1, nameof(ShuffleBuffer));
        ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, 1, nameof(Prefetch));
    }
}
