using System.Buffers.Binary;
using System.Numerics;

namespace Distill.Logging;

/// <summary>
/// TensorFlow's record framing, which TensorBoard event files use: a little-endian uint64 length, the masked
/// CRC32C of those 8 bytes, the payload, and the masked CRC32C of the payload.
/// </summary>
internal static class TfRecord
{
    private const uint MaskDelta = 0xa282ead8;

    public static void Write(Stream output, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        output.Write(header);
        output.Write(data);
        output.Write(footer);
    }

    /// <summary>CRC-32C (Castagnoli) with the usual initial value and final inversion.</summary>
    public static uint Crc32C(ReadOnlySpan<byte> data)
    {
        var crc = 0xFFFFFFFFu;
        // The instruction consumes a uint64 as its 8 bytes in little-endian order, so this matches byte by byte.
        for (; data.Length >= 8; data = data[8..])
        {
            crc = BitOperations.Crc32C(crc, BinaryPrimitives.ReadUInt64LittleEndian(data));
        }
        foreach (var b in data)
        {
            crc = BitOperations.Crc32C(crc, b);
        }
        return ~crc;
    }

    /// <summary>
    /// The CRC rotated and offset, as TensorFlow stores it, so that a CRC computed over data that
    /// itself contains CRCs does not degenerate.
    /// </summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = Crc32C(data);
        return unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);
    }
}
