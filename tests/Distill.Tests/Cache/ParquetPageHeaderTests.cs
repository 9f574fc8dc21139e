using Distill.Cache;

namespace Distill.Tests.Cache;

public sealed class ParquetPageHeaderTests
{
    // Thrift compact, by hand: type 0, uncompressed 100, compressed 80, crc -7 (skipped), data page header
    // { num_values 3, encoding 0, level encodings 3 and 3, statistics { max = [AA BB] } (skipped) }, STOP.
    private static readonly byte[] Header =
    [
        0x15, 0x00, 0x15, 0xC8, 0x01, 0x15, 0xA0, 0x01, 0x15, 0x0D,
        0x1C, 0x15, 0x06, 0x15, 0x00, 0x15, 0x06, 0x15, 0x06, 0x1C, 0x18, 0x02, 0xAA, 0xBB, 0x00, 0x00,
        0x00,
    ];

    [Fact]
    public void Read_HandEncodedDataPageHeader_GivesItsFieldsAndSize()
    {
        byte[] bytes = [.. Header, 0xFF, 0xFF];

        var header = ParquetPageHeader.Read(bytes, out var size);

        Assert.Equal(new ParquetPageHeader(Type: 0, UncompressedSize: 100, CompressedSize: 80, Values: 3, Encoding: 0), header);
        Assert.Equal(27, size);
    }

    [Fact]
    public void Read_Truncated_ThrowsInvalidData()
    {
        var error = Assert.Throws<InvalidDataException>(() => ParquetPageHeader.Read(Header.AsSpan(0, 21), out _));

        Assert.Contains("runs past its column chunk", error.Message);
    }
}
