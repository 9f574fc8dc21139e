namespace Distill.Cache;

/// <summary>
/// An array that grows by doubling and is reused after <see cref="Clear"/>, so that a writer's steady
/// state allocates nothing per row.
/// </summary>
internal sealed class GrowableBuffer<T>
{
    private T[] _items = new T[256];

    public int Count { get; private set; }

    public ReadOnlyMemory<T> Memory => _items.AsMemory(0, Count);

    /// <summary>Appends <paramref name="count"/> slots and returns them to fill; valid until the next call.</summary>
    public Span<T> Reserve(int count)
    {
        int needed = Count + count;
        if (needed > _items.Length)
        {
            Array.Resize(ref _items, Math.Max(needed, (int)Math.Min(Array.MaxLength, 2L * _items.Length)));
        }
        var slots = _items.AsSpan(Count, count);
        Count = needed;
        return slots;
    }

    public void Add(T item) => Reserve(1)[0] = item;

    public void Clear() => Count = 0;
}
