using Distill.Cache;

namespace Distill.Tests.Cache;

public sealed class TensorBlobTests
{
    [Theory]
    [InlineData(CacheDType.Fp32, new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0xC0 })] // 1.0f, -2.0f little-endian
    [InlineData(CacheDType.Fp16, new byte[] { 0x00, 0x3C, 0x00, 0xC0 })]                         // half 0x3C00, 0xC000
    [InlineData(CacheDType.Bf16, new byte[] { 0x80, 0x3F, 0x00, 0xC0 })]                         // bf16 0x3F80, 0xC000
    public void Encode_OneAndMinusTwo_WritesLittleEndianBits(CacheDType dtype, byte[] expected)
    {
        var bytes = new byte[expected.Length];

        TensorBlob.Encode([1.0f, -2.0f], dtype, bytes);

        Assert.Equal(expected, bytes);
    }

    [Fact]
    public void Encode_Fp16OutOfRange_SaturatesToInfinityAsHalfDoes()
    {
        var bytes = new byte[4];

        TensorBlob.Encode([65504f, 1e5f], CacheDType.Fp16, bytes);

        Assert.Equal(new byte[] { 0xFF, 0x7B, 0x00, 0x7C }, bytes); // 0x7BFF = 65504 (max half), 0x7C00 = +Inf
    }

    [Theory]
    [InlineData(CacheDType.Fp32)]
    [InlineData(CacheDType.Fp16)]
    [InlineData(CacheDType.Bf16)]
    public void Decode_AfterEncode_GivesTheDTypesRounding(CacheDType dtype)
    {
        float[] values = [0.1f, -3.3333f, 1234.567f, 0f, float.NegativeInfinity];
        var bytes = new byte[values.Length * TensorBlob.ElementSize(dtype)];
        var decoded = new float[values.Length];

        TensorBlob.Encode(values, dtype, bytes);
        TensorBlob.Decode(bytes, dtype, decoded);

        var expected = dtype switch
        {
            CacheDType.Fp32 => values,
            CacheDType.Fp16 => values.Select(v => (float)(Half)v).ToArray(),
            _ => values.Select(v => BFloat16.ToSingle(BFloat16.FromSingle(v))).ToArray(),
        };
        Assert.Equal(expected, decoded);
    }

    [Fact]
    public void Encode_WrongBufferSize_SaysWhatItNeeds()
    {
        var error = Assert.Throws<ArgumentException>(() => TensorBlob.Encode([1f, 2f, 3f], CacheDType.Fp16, new byte[4]));

        Assert.Contains("3 Fp16 values need 6 bytes, the buffer has 4", error.Message);
    }

    /// <summary>Every 16-bit pattern, at an odd byte offset (blobs sit anywhere in a page), through the vectorized decode.</summary>
    [Theory]
    [InlineData(CacheDType.Fp16)]
    [InlineData(CacheDType.Bf16)]
    public void Decode_EveryBitPattern_SameAsTheScalarConversion(CacheDType dtype)
    {
        var bytes = new byte[1 + 65536 * 2];
        for (var bits = 0; bits < 65536; bits++) BitConverter.TryWriteBytes(bytes.AsSpan(1 + 2 * bits), (ushort)bits);
        var decoded = new float[65536];

        TensorBlob.Decode(bytes.AsSpan(1), dtype, decoded);

        for (var bits = 0; bits < 65536; bits++)
        {
            var expected = dtype == CacheDType.Fp16 ? (float)BitConverter.UInt16BitsToHalf((ushort)bits) : BFloat16.ToSingle((ushort)bits);
            if (float.IsNaN(expected)) Assert.True(float.IsNaN(decoded[bits]), $"pattern {bits:X4}: {decoded[bits]}, expected NaN");
            else Assert.True(BitConverter.SingleToUInt32Bits(expected) == BitConverter.SingleToUInt32Bits(decoded[bits]), $"pattern {bits:X4}: {decoded[bits]}, expected {expected}");
        }
    }

    /// <summary>The vectorized fp16 encode rounds as the (Half) cast: every fp16 value, the midpoints between neighbours (ties to even) and a step either side of them.</summary>
    [Fact]
    public void Encode_Fp16AtAndAroundEveryRoundingBoundary_SameAsTheHalfCast()
    {
        var values = new List<float>();
        for (var bits = 0; bits < 0x7C00; bits++)
        {
            var low = (double)BitConverter.UInt16BitsToHalf((ushort)bits);
            var high = (double)BitConverter.UInt16BitsToHalf((ushort)(bits + 1));
            var middle = (float)((low + high) / 2);
            foreach (var v in new[] { (float)low, middle, MathF.BitDecrement(middle), MathF.BitIncrement(middle) }) values.AddRange([v, -v]);
        }
        values.AddRange([70000f, float.PositiveInfinity, float.NegativeInfinity]);
        var bytes = new byte[values.Count * 2];

        TensorBlob.Encode(values.ToArray(), CacheDType.Fp16, bytes);

        for (var i = 0; i < values.Count; i++)
        {
            var expected = BitConverter.HalfToUInt16Bits((Half)values[i]);
            Assert.True(expected == BitConverter.ToUInt16(bytes, 2 * i), $"{values[i]:R}: {BitConverter.ToUInt16(bytes, 2 * i):X4}, expected {expected:X4}");
        }
    }
}
