using Parquet;

namespace Distill.Cache;

/// <summary>
/// Settings of a <see cref="CacheShardWriter"/>. A row group is written when it reaches
/// <see cref="RowGroupRows"/> rows or <see cref="RowGroupBytes"/> encoded bytes, whichever comes first.
/// </summary>
/// <remarks>
/// Why these defaults: the reader decodes whole row groups and keeps <see cref="CacheReaderOptions.Prefetch"/>
/// of them in memory besides the one it decodes, and the writer buffers one, so a row group bounds both sides'
/// memory (encoded bytes are about as much as rows, which keep tensors in the stored dtype). At 64 MiB a shard of
/// 1,000 rows of three fp16 layers at 64 tokens was one group, and a distillation reading a cache larger than its
/// pipeline peaked ~100 MB higher than one reading a small cache (25,600 against 3,200 rows: 1.13× the peak RSS;
/// the reader alone 250 against 90 MB at 16 MiB, at the same MB/s). Much smaller groups would add per-group overhead
/// (page headers, footer entries, compression frames) and make Parquet tools' per-group parallelism useless.
/// </remarks>
internal sealed record CacheWriterOptions
{
    /// <summary>Most rows per row group; default 1024.</summary>
    public int RowGroupRows { get; init; } = 1024;

    /// <summary>Most encoded bytes per row group before compression; default 16 MiB.</summary>
    public long RowGroupBytes { get; init; } = 16L << 20;

    /// <summary>
    /// Page compression of the small columns (ids, lengths, tokens, offsets, logits); default zstd (at
    /// CompressionLevel.Optimal). Measured with bench/CacheBench: zstd files 8% smaller than snappy's and read 1.5×
    /// faster (Parquet.Net's snappy decoder is slow).
    /// </summary>
    public CompressionMethod Compression { get; init; } = CompressionMethod.Zstd;

    /// <summary>
    /// Page compression of the tensor columns (<c>hidden_L*</c>, <c>attention_L*</c>, <c>pooled</c>), nearly all of a
    /// shard's bytes; default none. Activations in fp16 or bf16 compress by only ~7% under zstd, and the reader hands
    /// uncompressed pages' values out of the mapped shard without decompressing them (zstd was about half of a
    /// verified pass's CPU time); a cache is written once and read every epoch.
    /// </summary>
    public CompressionMethod TensorCompression { get; init; } = CompressionMethod.None;

    /// <summary>Attempts of a transient-failing flush or rename, the first included; default 3.</summary>
    public int IoAttempts { get; init; } = 3;

    /// <summary>Delay before the first retry, doubled for each next one; default 200 ms.</summary>
    public TimeSpan IoRetryDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Receives a line for each retried I/O step; null: silent.</summary>
    public Action<string>? Log { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupRows, 1, nameof(RowGroupRows));
        ArgumentOutOfRangeException.ThrowIfLessThan(RowGroupBytes, 1, nameof(RowGroupBytes));
        ArgumentOutOfRangeException.ThrowIfLessThan(IoAttempts, 1, nameof(IoAttempts));
    }
}
