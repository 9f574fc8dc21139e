namespace Distill.Cache;

/// <summary>
/// A seeded random buffer bounded in bytes: each arriving item joins the buffer, then random buffered
/// items (possibly the new one) leave until the rest fit in the capacity; <see cref="Drain"/> empties it in
/// random order. Every item leaves exactly once, and the order depends only on the seed and the sequence of
/// item sizes, so a pass can be replayed on sizes alone (see <see cref="SkipPlan"/>).
/// </summary>
internal sealed class ShuffleBuffer<T>(long capacityBytes, Random random)
{
    private readonly List<(T Item, long Bytes)> _items = [];

    /// <summary>Bytes held between arrivals (after items left), at most the capacity.</summary>
    public long Bytes { get; private set; }

    public int Count => _items.Count;

    /// <summary>The most bytes held between arrivals so far.</summary>
    public long PeakBytes { get; private set; }

    public int PeakCount { get; private set; }

    /// <summary>Adds <paramref name="item"/> and appends the items that leave to <paramref name="leaving"/>.</summary>
    public void Add(T item, long bytes, List<T> leaving)
    {
        _items.Add((item, bytes));
        Bytes += bytes;
        while (Bytes > capacityBytes)
        {
            leaving.Add(TakeRandom());
        }
        PeakBytes = Math.Max(PeakBytes, Bytes);
        PeakCount = Math.Max(PeakCount, _items.Count);
    }

    /// <summary>Appends every buffered item, in random order, to <paramref name="leaving"/>.</summary>
    public void Drain(List<T> leaving)
    {
        while (_items.Count > 0)
        {
            leaving.Add(TakeRandom());
        }
    }

    private T TakeRandom()
    {
        int pick = random.Next(_items.Count);
        var (item, bytes) = _items[pick];
        _items[pick] = _items[^1];
        _items.RemoveAt(_items.Count - 1);
        Bytes -= bytes;
        return item;
    }
}
