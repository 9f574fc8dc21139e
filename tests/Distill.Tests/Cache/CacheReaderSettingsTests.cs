using System.Text.Json.Nodes;
using Distill.Cache;
using Distill.Cli;

namespace Distill.Tests.Cache;

/// <summary>A manifest's recorded reader settings read back, and a tampered one refused as bad input (it was an InvalidOperationException).</summary>
public sealed class CacheReaderSettingsTests
{
    [Fact]
    public void DataSettingsFrom_RecordedSettings_RoundTrip()
    {
        var settings = DataReadingOptions.Defaults with { MaxSeqLength = 64 };

        var read = CacheIdentity.DataSettingsFrom(CacheIdentity.ReaderSettings("train.jsonl", settings));

        Assert.Equal((64, settings.DocStride, settings.MaxQueryLength, "text", false), (read.MaxSeqLength, read.DocStride, read.MaxQueryLength, read.ReadOptions.TextColumn, read.ReadOptions.SkipBad));
    }

    [Fact]
    public void DataSettingsFrom_FieldOfAnotherType_CacheFormatErrorNamingIt()
    {
        var recorded = CacheIdentity.ReaderSettings("train.jsonl", DataReadingOptions.Defaults);
        recorded["max_seq_length"] = "128";

        var error = Assert.Throws<CacheFormatException>(() => CacheIdentity.DataSettingsFrom(recorded));

        Assert.Equal("manifest data.reader_settings.max_seq_length: expected an integer, found \"128\"", error.Message);
    }
}
