using Distill.Data;

namespace Distill.Tests.Data;

public sealed class DataReadOptionsTests
{
    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new DataReadOptions();

        Assert.False(options.SkipBad);
        Assert.Equal("text", options.TextColumn);
        Assert.Equal("text_b", options.TextBColumn);
        Assert.Equal("label", options.LabelColumn);
        Assert.Equal("id", options.IdColumn);
        Assert.Equal(TaggingFormat.Auto, options.TaggingFormat);
    }
}
