using System.Text;
using Distill.Logging;

namespace Distill.Tests.Logging;

public sealed class TfRecordTests
{
    [Theory]
    [InlineData("123456789", 0xE3069283u)]
    [InlineData("", 0x00000000u)]
    [InlineData("a", 0xC1D04330u)]
    public void Crc32C_KnownVectors(string text, uint expected)
    {
        Assert.Equal(expected, TfRecord.Crc32C(Encoding.ASCII.GetBytes(text)));
    }

    [Fact]
    public void Crc32C_ThirtyTwoZeroBytes_MatchesIscsiVector()
    {
        // RFC 3720, B.4: 32 bytes of zeros.
        Assert.Equal(0x8A9136AAu, TfRecord.Crc32C(new byte[32]));
    }

    [Fact]
    public void MaskedCrc32C_RotatesAndOffsets()
    {
        // 0xE3069283 rotated right by 15 is 0x2507C60D; plus 0xA282EAD8 is 0xC78AB0E5 (mod 2^32).
        Assert.Equal(0xC78AB0E5u, TfRecord.MaskedCrc32C("123456789"u8));
    }
}
