namespace Distill.Cache;

/// <summary>
/// A resolved <see cref="CacheColumns"/> as positions in the spec's column lists, and the memory a row
/// read with it holds.
/// </summary>
internal sealed class ColumnSelection
{
    // Object headers, the two id strings and the list objects of a row: not a function of T, so a fixed estimate.
    private const long RowOverheadBytes = 256;

    private readonly CacheSpec _spec;

    public ColumnSelection(CacheSpec spec, CacheColumns resolved)
    {
        _spec = spec;
        Hidden = resolved.HiddenLayers!.Select(l => IndexOf(spec.HiddenLayers, l)).ToArray();
        Attentions = resolved.AttentionLayers!.Select(l => IndexOf(spec.AttentionLayers, l)).ToArray();
        // Three columns per projection layer, query, key, value (CacheSchema.ProjectionNames).
        Projections = resolved.ProjectionLayers!.SelectMany(l => Enumerable.Range(3 * IndexOf(spec.ProjectionLayers ?? [], l), 3)).ToArray();
        Pooled = resolved.Pooled == true;
        Logits = resolved.Logits;
    }

    /// <summary>Positions in <see cref="CacheSpec.HiddenLayers"/> (and <see cref="CacheSchema.Hidden"/>), in reading order.</summary>
    public int[] Hidden { get; }

    public int[] Attentions { get; }

    /// <summary>Positions in <see cref="CacheSchema.Projections"/>, three per selected layer, in reading order.</summary>
    public int[] Projections { get; }

    public bool Pooled { get; }

    public bool Logits { get; }

    /// <summary>
    /// Bytes of the arrays a row of <paramref name="tokens"/> tokens holds, plus a fixed overhead: what the
    /// shuffle buffer counts. A function of T alone, so that a row can be counted before it is decoded.
    /// </summary>
    public long RowBytes(int tokens)
    {
        long t = tokens;
        long tensorValues = (Hidden.Length + Projections.Length) * t * _spec.HiddenSize
            + Attentions.Length * _spec.NumHeads * t * t
            + (Pooled ? _spec.HiddenSize : 0);
        long positions = _spec.Positions(tokens);
        long logits = !Logits ? 0
            : _spec.TopK is { } k ? positions * (8L * k + 4)
            : 4 * positions * _spec.LogitWidth;
        // input_ids, segments (T each) and offsets (2T), all int32.
        return RowOverheadBytes + 16 * t + logits + tensorValues * TensorBlob.ElementSize(_spec.DType);
    }

    private static int IndexOf(IReadOnlyList<int> layers, int layer)
    {
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] == layer)
            {
                return i;
            }
        }
        throw new ArgumentException($"layer {layer} is not in [{string.Join(", ", layers)}]; resolve the columns first", nameof(layer));
    }
}
