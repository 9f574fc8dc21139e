using System.Buffers.Binary;
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

    /// <summary>
    /// Opens a shard's Parquet footer after checking its frame: the PAR1 magic at both ends, a footer length
    /// inside the file, and the STOP byte that ends the footer's Thrift struct. Parquet.Net 6.1 loops forever
    /// on a footer whose last byte is not STOP (found by a fuzz test), so that is refused before it parses.
    /// Any parser failure becomes a <see cref="CacheFormatException"/> naming <paramref name="name"/>.
    /// </summary>
    public static async Task<ParquetReader> OpenParquetAsync(Stream stream, string name, bool leaveOpen, CancellationToken cancellationToken)
    {
        var frame = new byte[8];
        var problem = stream.Length < 12 ? $"{stream.Length} bytes is too short for a Parquet file" : null;
        if (problem is null)
        {
            stream.Position = 0;
            await stream.ReadExactlyAsync(frame.AsMemory(0, 4), cancellationToken);
            var head = frame[..4].ToArray();
            stream.Position = stream.Length - 8;
            await stream.ReadExactlyAsync(frame, cancellationToken);
            var footer = BinaryPrimitives.ReadInt32LittleEndian(frame);
            if (!head.AsSpan().SequenceEqual(Magic) || !frame.AsSpan(4).SequenceEqual(Magic))
            {
                problem = "lacks the PAR1 magic at its start or end";
            }
            else if (footer < 1 || footer > stream.Length - 12)
            {
                problem = $"footer length {footer} does not fit the file's {stream.Length} bytes";
            }
            else
            {
                stream.Position = stream.Length - 9;
                if (stream.ReadByte() != 0) problem = "footer does not end with a Thrift STOP byte";
            }
        }
        if (problem is not null) throw new CacheFormatException($"{name}: does not open as Parquet ({problem})");
        stream.Position = 0;
        ParquetReader? reader = null;
        try
        {
            reader = await ParquetReader.CreateAsync(stream, null, leaveOpen, cancellationToken);
            // Decoded lazily on first use: force it here, where a damaged schema is reported as this shard's.
            _ = reader.Schema.GetDataFields();
            return reader;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            if (reader is not null) await reader.DisposeAsync();
            // A damaged footer surfaces as whichever exception the parser meets first (Thrift, IO, index errors).
            throw new CacheFormatException($"{name}: does not open as Parquet ({e.GetType().Name}: {e.Message})");
        }
    }

    private static ReadOnlySpan<byte> Magic => "PAR1"u8;

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
