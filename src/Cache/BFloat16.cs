namespace Distill.Cache;

/// <summary>
/// bfloat16 as a raw 16-bit pattern: the upper half of a float32. .NET has no bfloat16 type, and the
/// caches only need the conversions.
/// </summary>
internal static class BFloat16
{
    /// <summary>Rounds to the nearest bfloat16, ties to even; NaN stays NaN (quiet), ±Inf stays ±Inf.</summary>
    public static ushort FromSingle(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        if ((bits & 0x7FFF_FFFFu) > 0x7F80_0000u)
        {
            // Rounding a NaN whose payload sits in the low half could carry into Inf or lose the payload
            // entirely; setting the quiet bit keeps it a NaN with its sign.
            return (ushort)((bits >> 16) | 0x0040u);
        }
        // Adding 0x7FFF plus the lowest kept bit rounds half-way cases towards an even result; a carry out
        // of the mantissa correctly bumps the exponent (and the largest finite values round to Inf).
        uint roundingBias = 0x7FFFu + ((bits >> 16) & 1u);
        return (ushort)((bits + roundingBias) >> 16);
    }

    /// <summary>Exact: every bfloat16 is a float32 with a zero lower half.</summary>
    public static float ToSingle(ushort bits) => BitConverter.UInt32BitsToSingle((uint)bits << 16);
}
