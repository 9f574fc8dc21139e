using Distill.Cache;

namespace Distill.Tests.Cache;

public sealed class BFloat16Tests
{
    [Theory]
    [InlineData(0x3F80_0000u, (ushort)0x3F80)] // 1.0: exact
    [InlineData(0xC020_0000u, (ushort)0xC020)] // -2.5: exact
    [InlineData(0x3F80_8000u, (ushort)0x3F80)] // half-way, kept bit even: stays
    [InlineData(0x3F81_8000u, (ushort)0x3F82)] // half-way, kept bit odd: rounds up to even
    [InlineData(0x3F80_8001u, (ushort)0x3F81)] // just above half-way: up
    [InlineData(0x3F80_7FFFu, (ushort)0x3F80)] // just below half-way: down
    [InlineData(0xBF80_C000u, (ushort)0xBF81)] // negative, above half-way: magnitude up
    [InlineData(0x3FFF_FFFFu, (ushort)0x4000)] // carry into the exponent: 1.99999988 -> 2.0
    [InlineData(0x7F7F_FFFFu, (ushort)0x7F80)] // largest float rounds to +Inf
    [InlineData(0x7F80_0000u, (ushort)0x7F80)] // +Inf
    [InlineData(0xFF80_0000u, (ushort)0xFF80)] // -Inf
    [InlineData(0x7FC0_0000u, (ushort)0x7FC0)] // quiet NaN
    [InlineData(0x7F80_0001u, (ushort)0x7FC0)] // NaN with a low payload: truncation would give +Inf
    [InlineData(0xFFFF_FFFFu, (ushort)0xFFFF)] // negative NaN with all payload bits: no carry into the sign
    [InlineData(0x8000_0000u, (ushort)0x8000)] // -0
    [InlineData(0x0000_0001u, (ushort)0x0000)] // smallest subnormal rounds to +0
    public void FromSingle_BitPattern_RoundsToNearestEven(uint input, ushort expected)
    {
        Assert.Equal(expected, BFloat16.FromSingle(BitConverter.UInt32BitsToSingle(input)));
    }

    [Theory]
    [InlineData((ushort)0x3F80, 1.0f)]
    [InlineData((ushort)0xC020, -2.5f)]
    [InlineData((ushort)0x4049, 3.140625f)]
    [InlineData((ushort)0x7F80, float.PositiveInfinity)]
    public void ToSingle_BitPattern_IsExact(ushort input, float expected)
    {
        Assert.Equal(expected, BFloat16.ToSingle(input));
    }

    [Fact]
    public void ToSingle_NaNPattern_IsNaN()
    {
        Assert.True(float.IsNaN(BFloat16.ToSingle(0x7FC0)));
    }
}
