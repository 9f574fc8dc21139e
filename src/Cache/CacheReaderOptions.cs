namespace Distill.Cache;

/// <summary>Settings of a <see cref="CacheReader"/>.</summary>
internal sealed record CacheReaderOptions
{
    /// <summary>
    /// Read shards and their row groups in a seeded random order and pass rows through a bounded random
    /// buffer; off by default (manifest order, rows in file order).
    /// </summary>
    public bool Shuffle { get; init; }

    /// <summary>Seed of the shuffle; the same seed gives the same order. Vary it per epoch.</summary>
    public int Seed { get; init; }

    /// <summary>
    /// Bytes of rows held for shuffling, as the rows hold them (tensors in the cache's dtype, ids, logits, a
    /// fixed overhead per row); memory is bounded by it, not by the cache size. A row larger than the rest
    /// of the budget passes through. Default 64 MiB: with shards and row groups already read in a shuffled
    /// order it mixes rows of a few row groups (about 1,400 rows of 3 MiniLM layers at 20 tokens), and a cache
    /// smaller than a 256 MiB buffer used to be held whole, so that a small cache took less memory than a large
    /// one instead of the same.
    /// </summary>
    public long ShuffleBufferBytes { get; init; } = 64L * 1024 * 1024;

    /// <summary>Row groups decoded ahead on a background task; default 2.</summary>
    public int Prefetch { get; init; } = 2;

    /// <summary>The columns to read; default all that the cache holds.</summary>
    public CacheColumns Columns { get; init; } = CacheColumns.All;

    /// <summary>
    /// Rows of the pass's order to leave out at its start, to resume an interrupted pass with the same
    /// options: the pass then yields exactly the rows the full pass yields after its first SkipRows. Row groups
    /// holding only skipped rows are not read and shards holding only those are not opened; other skipped
    /// rows' tensors are read but not kept. Default 0.
    /// </summary>
    public long SkipRows { get; init; }

    /// <summary>
    /// Shards checked by earlier passes of the same run: a shard in it that has not changed since is not hashed
    /// again (see <see cref="VerifiedShards"/>); the shards this pass checks are added. Pass one object to every
    /// epoch's reader. Default null: every pass checks every shard it reads.
    /// </summary>
    public VerifiedShards? Verified { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ShuffleBufferBytes, 1, nameof(ShuffleBufferBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(Prefetch, 1, nameof(Prefetch));
        ArgumentOutOfRangeException.ThrowIfNegative(SkipRows, nameof(SkipRows));
        ArgumentNullException.ThrowIfNull(Columns, nameof(Columns));
    }
}
