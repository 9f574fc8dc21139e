namespace Distill.Cache;

/// <summary>
/// One tensor of a <see cref="CacheReadRow"/> as the cache stores it: <see cref="Count"/> values of
/// <see cref="DType"/>, little-endian, row-major. Kept in this form until a training batch is built, so
/// that an fp16 cache takes half the memory of float32 rows wherever rows wait (prefetch, shuffle buffer).
/// </summary>
/// <param name="Bytes">Count × the dtype's size bytes, owned by this row (not a view into a shard).</param>
/// <param name="DType">The cache spec's dtype.</param>
/// <param name="Count">Number of values.</param>
internal readonly record struct CachedTensor(ReadOnlyMemory<byte> Bytes, CacheDType DType, int Count)
{
    /// <summary>Float32 values as a tensor of their own (a teacher's output that was never cached, for code that reads cached rows).</summary>
    public static CachedTensor FromFloats(ReadOnlySpan<float> values)
    {
        var bytes = new byte[values.Length * TensorBlob.ElementSize(CacheDType.Fp32)];
        TensorBlob.Encode(values, CacheDType.Fp32, bytes);
        return new CachedTensor(bytes, CacheDType.Fp32, values.Length);
    }

    /// <summary>The values as float32, in a new array.</summary>
    public float[] ToFloats()
    {
        var values = new float[Count];
        DecodeInto(values);
        return values;
    }

    /// <summary>Writes the values as float32 into <paramref name="destination"/>, which must hold exactly <see cref="Count"/>.</summary>
    public void DecodeInto(Span<float> destination)
    {
        if (destination.Length != Count)
        {
            throw new ArgumentException($"the tensor has {Count} values, the destination holds {destination.Length}", nameof(destination));
        }
        TensorBlob.Decode(Bytes.Span, DType, destination);
    }
}
