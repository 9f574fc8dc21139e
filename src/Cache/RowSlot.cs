namespace Distill.Cache;

/// <summary>
/// A row on its way from a shard to the caller, with the bytes the shuffle buffer counts for it; the row is
/// null for a row that a resumed pass skips (<see cref="CacheReaderOptions.SkipRows"/>) and never decoded.
/// </summary>
internal readonly record struct RowSlot(CacheReadRow? Row, long Bytes);
