using Distill.Cache;
using Parquet;

namespace Distill.Tests.Cache;

/// <summary>The documented defaults are the real ones.</summary>
public sealed class CacheOptionsTests
{
    [Fact]
    public void CacheWriterOptions_Defaults_AreTheDocumentedOnes()
    {
        var options = new CacheWriterOptions();

        Assert.Equal(1024, options.RowGroupRows);
        Assert.Equal(16L * 1024 * 1024, options.RowGroupBytes);
        Assert.Equal(CompressionMethod.Zstd, options.Compression);
        Assert.Equal(CompressionMethod.None, options.TensorCompression);
        Assert.Equal(3, options.IoAttempts);
        Assert.Equal(TimeSpan.FromMilliseconds(200), options.IoRetryDelay);
    }

    [Fact]
    public void CacheReaderOptions_Defaults_AreTheDocumentedOnes()
    {
        var options = new CacheReaderOptions();

        Assert.False(options.Shuffle);
        Assert.Equal(0, options.Seed);
        Assert.Equal(64L * 1024 * 1024, options.ShuffleBufferBytes);
        Assert.Equal(2, options.Prefetch);
        Assert.Same(CacheColumns.All, options.Columns);
        Assert.Equal(0, options.SkipRows);
    }

    [Fact]
    public void CacheSpec_DefaultDType_IsFp16()
    {
        Assert.Equal(CacheDType.Fp16, new CacheSpec { Task = "classification", LogitWidth = 2 }.DType);
    }
}
