using System.Buffers.Binary;
using Parquet.Meta;
using Parquet.Schema;

namespace Distill.Cache;

/// <summary>Receives one row's blob, a view valid only during the call.</summary>
internal delegate void BlobSink(int row, ReadOnlySpan<byte> blob);

/// <summary>
/// Reads a tensor column's chunk of one row group straight from the mapped shard: each page is decompressed
/// from the mapping into a buffer the pass reuses and its values are handed out as views of it. Parquet.Net's own read
/// copies a page three times and allocates every value (a compressed copy, the decompressed frame, a copy of that,
/// then an array per value), which made it most of the reader's time; this path leaves one copy per kept row, the
/// caller's. It handles the layout the cache writer produces (a required binary column, v1 data pages, PLAIN,
/// zstd or uncompressed) and declines anything else, which the caller then reads through Parquet.Net.
/// </summary>
internal static class BlobColumnChunk
{
    /// <summary>
    /// Hands each of the chunk's <paramref name="rows"/> blobs to <paramref name="sink"/> in row order (zstd pages
    /// decompressed into <paramref name="pages"/>, which the caller reuses from chunk to chunk), or returns
    /// false (possibly after some rows) when the chunk is laid out in a way this path does not read. A chunk that
    /// claims more than <paramref name="maxBytes"/> decompressed bytes, or whose pages disagree with their headers,
    /// throws <see cref="InvalidDataException"/> before anything that large is allocated.
    /// </summary>
    public static bool TryRead(MappedShard shard, DataField field, ColumnMetaData chunk, int rows, long maxBytes, GrowableBuffer<byte> pages, BlobSink sink)
    {
        if (field.MaxDefinitionLevel != 0 || field.MaxRepetitionLevel != 0 || chunk.DictionaryPageOffset is > 0
            || chunk.Codec is not (CompressionCodec.ZSTD or CompressionCodec.UNCOMPRESSED))
        {
            return false;
        }
        if (chunk.NumValues != rows)
        {
            throw new InvalidDataException($"the chunk holds {chunk.NumValues} values for {rows} rows");
        }
        // After the leading magic, before the footer's length and trailing magic.
        if (chunk.DataPageOffset < 4 || chunk.TotalCompressedSize < 0 || chunk.TotalCompressedSize > shard.Length - 8 - chunk.DataPageOffset)
        {
            throw new InvalidDataException($"the chunk's bytes [{chunk.DataPageOffset}, +{chunk.TotalCompressedSize}) lie outside the shard's {shard.Length}");
        }
        var bytes = shard.Span(chunk.DataPageOffset, (int)chunk.TotalCompressedSize);
        int position = 0, row = 0;
        long decompressed = 0;
        using var zstd = chunk.Codec == CompressionCodec.ZSTD ? new ZstdSharp.Decompressor() : null;
        while (row < rows)
        {
            var header = ParquetPageHeader.Read(bytes[position..], out int headerSize);
            position += headerSize;
            if (header.Type != ParquetPageHeader.DataPage || header.Encoding != ParquetPageHeader.Plain)
            {
                return false;
            }
            if (header.CompressedSize > bytes.Length - position)
            {
                throw new InvalidDataException($"a page of {header.CompressedSize} bytes runs past the chunk's end");
            }
            if (header.Values < 1 || header.Values > rows - row)
            {
                throw new InvalidDataException($"a page holds {header.Values} values where {rows - row} rows remain");
            }
            decompressed += header.UncompressedSize;
            if (decompressed > maxBytes)
            {
                throw new InvalidDataException($"the pages decompress to more than the {maxBytes} bytes the rows' lengths allow");
            }
            var stored = bytes.Slice(position, header.CompressedSize);
            position += header.CompressedSize;
            if (zstd is null)
            {
                row = Split(stored, header, row, sink);
                continue;
            }
            pages.Clear();
            var page = pages.Reserve(header.UncompressedSize);
            int written = zstd.Unwrap(stored, page);
            if (written != header.UncompressedSize)
            {
                throw new InvalidDataException($"a page decompressed to {written} bytes, its header says {header.UncompressedSize}");
            }
            row = Split(page, header, row, sink);
        }
        return true;
    }

    /// <summary>PLAIN binary values: a little-endian int32 length, then that many bytes, filling the page exactly.</summary>
    private static int Split(ReadOnlySpan<byte> page, ParquetPageHeader header, int row, BlobSink sink)
    {
        if (page.Length != header.UncompressedSize)
        {
            throw new InvalidDataException($"an uncompressed page has {page.Length} bytes, its header says {header.UncompressedSize}");
        }
        int at = 0;
        for (int v = 0; v < header.Values; v++)
        {
            int length = at <= page.Length - 4 ? BinaryPrimitives.ReadInt32LittleEndian(page[at..]) : -1;
            if (length < 0 || length > page.Length - at - 4)
            {
                throw new InvalidDataException($"value {v} of a page is cut off at byte {at} of {page.Length}");
            }
            sink(row++, page.Slice(at + 4, length));
            at += 4 + length;
        }
        if (at != page.Length)
        {
            throw new InvalidDataException($"a page of {header.Values} values leaves {page.Length - at} bytes over");
        }
        return row;
    }
}
