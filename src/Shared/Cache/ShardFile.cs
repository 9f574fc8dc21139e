using System.Security.Cryptography;
using Parquet;

namespace Distill.Cache;

/// <summary>Checks of one shard file shared by the writer, the verifier and the reader.</summary>
internal static class ShardFile
{
    /// <summary>Size and lowercase hex SHA-256 of a stream's content from its start.</summary>
    public static async Task<(long Bytes, string Sha256)> MeasureAsync(Stream stream, CancellationToken cancellationToken)
    {
        stream.Position = 0;
        var hash = await SHA256.HashDataAsync(stream, cancellationToken);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }

    public static async Task<(long Bytes, string Sha256)> MeasureAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = OpenRead(path);
        return await MeasureAsync(stream, cancellationToken);
    }

    public static FileStream OpenRead(string path) =>
        new(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, FileOptions.SequentialScan);

    /// <summary>Size and checksum differences from the manifest entry; empty when both match.</summary>
    public static List<string> CompareBytes(CacheShardEntry entry, long bytes, string sha256)
    {
        var problems = new List<string>();
        if (bytes != entry.Bytes)
        {
            problems.Add($"size is {bytes} bytes, the manifest says {entry.Bytes}");
        }
        if (!string.Equals(sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add($"SHA-256 is {sha256}, the manifest says {entry.Sha256}");
        }
        return problems;
    }

    /// <summary>Schema, metadata and row count differences of an opened shard; empty when all match.</summary>
    public static List<string> CompareContents(ParquetReader reader, CacheSchema schema, long expectedRows)
    {
        var problems = schema.Compare(reader.Schema, reader.CustomMetadata);
        long rows = reader.RowGroups.Sum(g => g.RowCount);
        if (rows != expectedRows)
        {
            problems.Add($"holds {rows} rows, the manifest says {expectedRows}");
        }
        return problems;
    }
}
