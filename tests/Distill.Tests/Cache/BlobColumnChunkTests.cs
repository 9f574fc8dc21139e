using Distill.Cache;
using Distill.Tests.Support;
using Parquet;

namespace Distill.Tests.Cache;

public sealed class BlobColumnChunkTests
{
    [Fact]
    public async Task TryRead_TheWritersLayout_ReadsEveryBlobFromTheMapping()
    {
        // The fast path must take what the cache writer writes; falling back to Parquet.Net would only show as slowness.
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        var rows = CacheFixtures.Rows(spec, 3);
        await CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", spec, rows);
        var path = dir.File("part-00000.parquet");
        using var mapped = MappedShard.Open(path, new FileInfo(path).Length);
        await using var reader = await ParquetReader.CreateAsync(mapped.OpenStream());
        using var group = reader.OpenRowGroupReader(0);
        var field = reader.Schema.GetDataFields().Single(f => f.Name == "hidden_L2");
        var blobs = new byte[rows.Length][];

        var read = BlobColumnChunk.TryRead(mapped, field, group.GetMetadata(field)!.MetaData!, rows.Length, maxBytes: 1 << 20, new GrowableBuffer<byte>(),
            (r, blob) => blobs[r] = blob.ToArray());

        Assert.True(read);
        for (var r = 0; r < rows.Length; r++)
        {
            Assert.Equal(CacheFixtures.Encoded(rows[r].Hidden[1], CacheDType.Fp16), blobs[r]);
        }
    }

    [Fact]
    public async Task TryRead_PagesLargerThanTheRowsAllow_ThrowsBeforeDecompressing()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        await CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", spec, CacheFixtures.Rows(spec, 3));
        var path = dir.File("part-00000.parquet");
        using var mapped = MappedShard.Open(path, new FileInfo(path).Length);
        await using var reader = await ParquetReader.CreateAsync(mapped.OpenStream());
        using var group = reader.OpenRowGroupReader(0);
        var field = reader.Schema.GetDataFields().Single(f => f.Name == "hidden_L0");

        var error = Assert.Throws<InvalidDataException>(() =>
            BlobColumnChunk.TryRead(mapped, field, group.GetMetadata(field)!.MetaData!, 3, maxBytes: 16, new GrowableBuffer<byte>(), (_, _) => { }));

        Assert.Contains("more than the 16 bytes", error.Message);
    }
}
