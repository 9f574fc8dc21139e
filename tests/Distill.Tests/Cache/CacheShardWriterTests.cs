using System.Security.Cryptography;
using Distill.Cache;
using Distill.Tests.Support;
using Parquet;

namespace Distill.Tests.Cache;

public sealed class CacheShardWriterTests
{
    [Theory]
    [InlineData(CacheDType.Fp32)]
    [InlineData(CacheDType.Fp16)]
    [InlineData(CacheDType.Bf16)]
    public async Task WriteRead_EveryDType_RoundTripsWithinTheDTypesRounding(CacheDType dtype)
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging(dtype);
        var rows = CacheFixtures.Rows(spec, 9);
        Func<float, float> stored = dtype switch
        {
            CacheDType.Fp32 => v => v,
            CacheDType.Fp16 => v => (float)(Half)v,
            _ => v => BFloat16.ToSingle(BFloat16.FromSingle(v)),
        };
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, rows, rowsPerShard: 4, new CacheWriterOptions { RowGroupRows = 3 });

        var read = await CacheFixtures.ReadAllAsync(dir.Path);

        Assert.Equal(rows.Length, read.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            var (expected, actual) = (rows[i], read[i]);
            Assert.Equal(expected.FeatureId, actual.FeatureId);
            Assert.Equal(expected.ExampleId, actual.ExampleId);
            Assert.Equal(expected.InputIds, actual.InputIds);
            Assert.Equal(expected.Offsets, actual.Offsets);
            Assert.Equal(expected.Segments, actual.Segments);
            Assert.Equal(expected.Logits, actual.Logits); // logits are always float32
            Assert.Null(actual.TopK);
            Assert.Equal(2, actual.Hidden.Count);
            for (int l = 0; l < 2; l++)
            {
                Assert.Equal(expected.Hidden[l].Select(stored), actual.Hidden[l]);
            }
            Assert.Equal(expected.Attentions[0].Select(stored), Assert.Single(actual.Attentions));
            Assert.Equal(expected.Pooled!.Select(stored), actual.Pooled);
        }
    }

    [Fact]
    public async Task WriteRead_TopKSpecWithFullLogits_StoresTheSelectedTopK()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging(topK: 2);
        var rows = CacheFixtures.Rows(spec, 5);
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, rows, rowsPerShard: 5);

        var read = await CacheFixtures.ReadAllAsync(dir.Path);

        for (int i = 0; i < rows.Length; i++)
        {
            var expected = TopKLogits.Select(rows[i].Logits, spec.LogitWidth, 2);
            var actual = read[i].TopK!;
            Assert.Empty(read[i].Logits);
            Assert.Equal(rows[i].Length * 2, actual.Values.Length);
            Assert.Equal(expected.Values, actual.Values);
            Assert.Equal(expected.Indices, actual.Indices);
            Assert.Equal(expected.LogSumExp, actual.LogSumExp);
        }
    }

    [Fact]
    public async Task WriteRead_TopKGivenByTheCaller_IsStoredAsGiven()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Classification() with { LogitWidth = 30, TopK = 2 };
        var topK = new CacheTopK([9f, 8f], [17, 3], [9.5f]);
        var row = CacheFixtures.Row(spec, 0) with { Logits = [], TopK = topK };
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, [row], rowsPerShard: 1);

        var read = Assert.Single(await CacheFixtures.ReadAllAsync(dir.Path));

        Assert.Equal(topK.Values, read.TopK!.Values);
        Assert.Equal(topK.Indices, read.TopK.Indices);
        Assert.Equal(topK.LogSumExp, read.TopK.LogSumExp);
    }

    [Fact]
    public async Task CompleteAsync_ReportsTheFilesRowsSizeAndSha256()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();

        var info = await CacheFixtures.WriteShardAsync(dir.Path, "part-00007.parquet", spec, CacheFixtures.Rows(spec, 4));

        var path = dir.File("part-00007.parquet");
        Assert.Equal("part-00007.parquet", info.File);
        Assert.Equal(4, info.Rows);
        Assert.Equal(new FileInfo(path).Length, info.Bytes);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), info.Sha256);
        Assert.Equal(["part-00007.parquet"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteAsync_RowGroupRowsLimit_SplitsIntoRowGroupsAndStoresTheSpec()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        await CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", spec, CacheFixtures.Rows(spec, 10), new CacheWriterOptions { RowGroupRows = 4 });

        await using var reader = await ParquetReader.CreateAsync(dir.File("part-00000.parquet"));

        Assert.Equal([4L, 4L, 2L], reader.RowGroups.Select(g => g.RowCount));
        Assert.Equal("1", reader.CustomMetadata["distill.cache.format_version"]);
        Assert.Equal(spec.ToJson(), reader.CustomMetadata["distill.cache.spec"]);
    }

    [Fact]
    public async Task WriteAsync_RowGroupBytesLimit_StartsANewGroupOnceReached()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Classification(); // T = 2: length 4 + ids 8 + offsets 16 + segments 8 + logits 8 + hidden 2 × 3 × 2 = 56 bytes a row
        await CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", spec, [.. Enumerable.Range(0, 5).Select(i => CacheFixtures.Row(spec, 4 * i))],
            new CacheWriterOptions { RowGroupBytes = 100 });

        await using var reader = await ParquetReader.CreateAsync(dir.File("part-00000.parquet"));

        Assert.Equal([2L, 2L, 1L], reader.RowGroups.Select(g => g.RowCount));
    }

    [Fact]
    public async Task DisposeAsync_WithoutComplete_LeavesNoFile()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();

        await using (var writer = await CacheShardWriter.CreateAsync(dir.Path, "part-00000.parquet", spec, new CacheWriterOptions { RowGroupRows = 2 }))
        {
            await writer.WriteAsync(CacheFixtures.Rows(spec, 5));
            Assert.Single(Directory.GetFiles(dir.Path)); // the hidden temporary file, one row group written
        }

        Assert.Empty(Directory.GetFiles(dir.Path));
    }

    [Fact]
    public async Task WriteAsync_RowOfWrongShape_NamesRowAndFieldsAndAddsNothing()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        var rows = CacheFixtures.Rows(spec, 3);
        rows[2] = rows[2] with { Hidden = [rows[2].Hidden[0], new float[5]], Pooled = null };
        await using var writer = await CacheShardWriter.CreateAsync(dir.Path, "part-00000.parquet", spec);

        var error = await Assert.ThrowsAsync<CacheFormatException>(() => writer.WriteAsync(rows));

        Assert.Contains("part-00000.parquet: row 2 (batch row 2) (feature_id \"f2\", example_id \"e1\", T = 4)", error.Message);
        Assert.Contains("Hidden[1] (layer 2) has 5 values, expected T × hidden_size = 16", error.Message);
        Assert.Contains("Pooled is null, expected hidden_size = 4 values", error.Message);
        Assert.Equal(0, writer.Rows);
    }

    [Theory]
    [InlineData(CacheDType.Fp16, "Logits[1] is NaN")]
    [InlineData(CacheDType.Fp32, "Logits[1] is NaN")]
    public async Task WriteAsync_NaNLogits_RefusedNamingTheExample(CacheDType dtype, string expected)
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging(dtype);
        var rows = CacheFixtures.Rows(spec, 3);
        rows[1].Logits[1] = float.NaN;
        await using var writer = await CacheShardWriter.CreateAsync(dir.Path, "part-00000.parquet", spec);

        var error = await Assert.ThrowsAsync<CacheFormatException>(() => writer.WriteAsync(rows));

        Assert.Contains("(feature_id \"f1\", example_id \"e0\", T = 3)", error.Message);
        Assert.Contains(expected, error.Message);
        Assert.Equal(0, writer.Rows);
    }

    [Fact]
    public async Task WriteAsync_HiddenBeyondFp16Range_RefusedWhereFp32Keeps()
    {
        using var dir = new TemporaryDirectory();
        var rows = CacheFixtures.Rows(CacheFixtures.Tagging(), 2);
        rows[1].Hidden[0][5] = 70000f; // fp16 would store +Infinity
        rows[1].Attentions[0][0] = float.NegativeInfinity;

        await using var fp16 = await CacheShardWriter.CreateAsync(dir.Path, "part-00000.parquet", CacheFixtures.Tagging(CacheDType.Fp16));
        var error = await Assert.ThrowsAsync<CacheFormatException>(() => fp16.WriteAsync(rows));
        await using var fp32 = await CacheShardWriter.CreateAsync(dir.Path, "part-00001.parquet", CacheFixtures.Tagging(CacheDType.Fp32));
        var fp32Error = await Assert.ThrowsAsync<CacheFormatException>(() => fp32.WriteAsync(rows));

        Assert.Contains("Hidden[0] (layer 0)[5] is 70000, beyond fp16's ±65504 (it would be stored as infinity; cache with --dtype bf16 or fp32)", error.Message);
        Assert.Contains("Attentions[0] (layer 1)[0] is -Infinity", error.Message);
        Assert.DoesNotContain("Hidden", fp32Error.Message);
        Assert.Contains("Attentions[0] (layer 1)[0] is -Infinity", fp32Error.Message);
    }

    [Fact]
    public async Task WriteAsync_LogitsOfAClassificationRowPerToken_Rejected()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Classification();
        var row = CacheFixtures.Row(spec, 1) with { Logits = new float[6] };
        await using var writer = await CacheShardWriter.CreateAsync(dir.Path, "part-00000.parquet", spec);

        var error = await Assert.ThrowsAsync<CacheFormatException>(() => writer.WriteAsync([row]));

        Assert.Contains("Logits has 6 values, expected logit_width = 2", error.Message);
    }

    [Fact]
    public async Task CreateAsync_FinalNameExists_RefusesToOverwrite()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllText(dir.File("part-00000.parquet"), "x");

        var error = await Assert.ThrowsAsync<IOException>(() => CacheShardWriter.CreateAsync(dir.Path, "part-00000.parquet", CacheFixtures.Tagging()));

        Assert.Contains("already exists; completed shards are never overwritten", error.Message);
    }

    [Fact]
    public async Task CreateAsync_ShardNameWithDirectory_Rejected()
    {
        using var dir = new TemporaryDirectory();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => CacheShardWriter.CreateAsync(dir.Path, "../part-00000.parquet", CacheFixtures.Tagging()));

        Assert.Contains("shard name \"../part-00000.parquet\" contains \"..\"", error.Message);
    }

    [Fact]
    public async Task CompleteAsync_NoRows_WritesAnEmptyShardThatReadsBackEmpty()
    {
        using var dir = new TemporaryDirectory();
        var info = await CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", CacheFixtures.Tagging(), []);
        CacheFixtures.Manifest(CacheFixtures.Tagging(), [CacheShardEntry.From(info, 0)]).Save(dir.File(CacheManifest.FileName));

        Assert.Equal(0, info.Rows);
        Assert.Empty(await CacheFixtures.ReadAllAsync(dir.Path));
        Assert.Empty(CacheVerifier.Verify(dir.Path));
    }

    [Fact]
    public async Task WriteAsync_AfterComplete_Throws()
    {
        using var dir = new TemporaryDirectory();
        await using var writer = await CacheShardWriter.CreateAsync(dir.Path, "part-00000.parquet", CacheFixtures.Tagging());
        await writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync([]));

        Assert.Contains("already completed", error.Message);
    }
}
