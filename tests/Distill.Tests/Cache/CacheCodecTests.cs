using Distill.Cache;
using Distill.Tests.Support;
using DuckDB.NET.Data;
using Parquet;
using Parquet.Meta;

namespace Distill.Tests.Cache;

/// <summary>Tensor columns are stored uncompressed by default, the small columns zstd-compressed, and other readers read both.</summary>
public sealed class CacheCodecTests
{
    [Fact]
    public async Task WriteShard_DefaultOptions_TensorChunksUncompressedSmallChunksZstd()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        await CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", spec, CacheFixtures.Rows(spec, 6), new CacheWriterOptions { RowGroupRows = 4 });

        var codecs = await ChunkCodecsAsync(dir.File("part-00000.parquet"));

        Assert.Equal(2, codecs.Select(c => c.Group).Distinct().Count());
        var tensors = new[] { "hidden_L0", "hidden_L2", "attention_L1", "pooled" };
        Assert.All(codecs.Where(c => tensors.Contains(c.Column)), c => Assert.Equal(CompressionCodec.UNCOMPRESSED, c.Codec));
        Assert.Equal(2 * tensors.Length, codecs.Count(c => tensors.Contains(c.Column)));
        Assert.All(codecs.Where(c => !tensors.Contains(c.Column)), c => Assert.Equal(CompressionCodec.ZSTD, c.Codec));
        Assert.Contains(codecs, c => c.Column == "logits");
    }

    /// <summary>DuckDB reads the uncompressed blobs (default) and zstd ones (caches written before) as the same bytes.</summary>
    [Theory]
    [InlineData(CompressionMethod.None)]
    [InlineData(CompressionMethod.Zstd)]
    public async Task ReadParquet_DuckDb_ReadsTensorBlobsAsEncoded(CompressionMethod tensorCompression)
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        var rows = CacheFixtures.Rows(spec, 6);
        await CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", spec, rows, new CacheWriterOptions { RowGroupRows = 4, TensorCompression = tensorCompression });
        using var connection = new DuckDBConnection("Data Source=:memory:");
        connection.Open();
        using var command = connection.CreateCommand();

        command.CommandText = $"SELECT feature_id, hidden_L2 FROM read_parquet('{dir.File("part-00000.parquet")}') ORDER BY feature_id";
        using var reader = command.ExecuteReader();

        for (var i = 0; i < rows.Length; i++)
        {
            Assert.True(reader.Read());
            Assert.Equal($"f{i}", reader.GetString(0));
            using var blob = reader.GetStream(1);
            using var bytes = new MemoryStream();
            blob.CopyTo(bytes);
            Assert.Equal(CacheFixtures.Encoded(rows[i].Hidden[1], CacheDType.Fp16), bytes.ToArray());
        }
        Assert.False(reader.Read());
    }

    private static async Task<List<(int Group, string Column, CompressionCodec Codec)>> ChunkCodecsAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var parquet = await ParquetReader.CreateAsync(stream);
        var codecs = new List<(int, string, CompressionCodec)>();
        for (var g = 0; g < parquet.RowGroupCount; g++)
        {
            using var group = parquet.OpenRowGroupReader(g);
            foreach (var field in parquet.Schema.GetDataFields())
            {
                var chunk = group.GetMetadata(field)?.MetaData ?? throw new InvalidOperationException($"{path}: no metadata for {field.Path}");
                codecs.Add((g, field.Path.ToString().Split('/', '.')[0], chunk.Codec));
            }
        }
        return codecs;
    }
}
