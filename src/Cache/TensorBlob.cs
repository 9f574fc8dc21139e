using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Distill.Cache;

/// <summary>
/// Converts float32 tensors to and from a <see cref="CacheDType"/>'s raw little-endian bytes, the content
/// of a cache's binary columns. One blob per row keeps Parquet's per-value overhead out of the hot path.
/// </summary>
internal static class TensorBlob
{
    public static int ElementSize(CacheDType dtype) => dtype == CacheDType.Fp32 ? 4 : 2;

    public static void Encode(ReadOnlySpan<float> source, CacheDType dtype, Span<byte> destination)
    {
        CheckLength(source.Length, dtype, destination.Length);
        if (dtype == CacheDType.Fp32)
        {
            MemoryMarshal.AsBytes(source).CopyTo(destination);
            SwapWordsIfBigEndian(MemoryMarshal.Cast<byte, uint>(destination));
            return;
        }
        var shorts = MemoryMarshal.Cast<byte, ushort>(destination);
        if (dtype == CacheDType.Fp16)
        {
            for (int i = 0; i < source.Length; i++)
            {
                shorts[i] = LittleEndian(BitConverter.HalfToUInt16Bits((Half)source[i]));
            }
        }
        else
        {
            for (int i = 0; i < source.Length; i++)
            {
                shorts[i] = LittleEndian(BFloat16.FromSingle(source[i]));
            }
        }
    }

    public static void Decode(ReadOnlySpan<byte> source, CacheDType dtype, Span<float> destination)
    {
        CheckLength(destination.Length, dtype, source.Length);
        if (dtype == CacheDType.Fp32)
        {
            source.CopyTo(MemoryMarshal.AsBytes(destination));
            SwapWordsIfBigEndian(MemoryMarshal.Cast<float, uint>(destination));
            return;
        }
        var shorts = MemoryMarshal.Cast<byte, ushort>(source);
        if (dtype == CacheDType.Fp16)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = (float)BitConverter.UInt16BitsToHalf(LittleEndian(shorts[i]));
            }
        }
        else
        {
            for (int i = 0; i < destination.Length; i++)
            {
                destination[i] = BFloat16.ToSingle(LittleEndian(shorts[i]));
            }
        }
    }

    private static void CheckLength(int values, CacheDType dtype, int bytes)
    {
        if (!Enum.IsDefined(dtype))
        {
            throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "not one of fp16, bf16, fp32");
        }
        if ((long)values * ElementSize(dtype) != bytes)
        {
            throw new ArgumentException($"{values} {dtype} values need {(long)values * ElementSize(dtype)} bytes, the buffer has {bytes}");
        }
    }

    // Both helpers compile to nothing on little-endian machines (IsLittleEndian is a JIT-time constant).
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ushort LittleEndian(ushort value) => BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);

    private static void SwapWordsIfBigEndian(Span<uint> words)
    {
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(words, words);
        }
    }
}
