using System.Text.Json.Nodes;
using Distill.Cache;
using Distill.Tests.Support;
using Parquet;

namespace Distill.Tests.Cache;

/// <summary>Format version 2: a layer's self-attention query, key and value columns, and version 1 caches unchanged.</summary>
public sealed class CacheProjectionTests
{
    /// <summary>Classification, hidden layer 1, projections of layers 0 and 2 (H = 3), float32 so values come back exactly.</summary>
    private static CacheSpec Spec() => CacheFixtures.Classification() with { ProjectionLayers = [0, 2], DType = CacheDType.Fp32 };

    private static CacheWriteRow[] Rows(CacheSpec spec, int count) => CacheFixtures.Rows(spec, count)
        .Select((row, i) => row with
        {
            Projections = Enumerable.Range(0, 3 * spec.ProjectionLayers!.Count)
                .Select(k => Enumerable.Range(0, row.Length * spec.HiddenSize).Select(v => 1000f * i + 100f * k + v).ToArray()).ToArray(),
        }).ToArray();

    private static async Task<string> MetadataVersionAsync(string shard)
    {
        await using var stream = File.OpenRead(shard);
        await using var reader = await ParquetReader.CreateAsync(stream);
        return reader.CustomMetadata["distill.cache.format_version"];
    }

    [Fact]
    public async Task ReadAllAsync_ProjectionLayers_QueryKeyValueOfEachLayerInOrder()
    {
        using var dir = new TemporaryDirectory();
        var spec = Spec();
        var rows = Rows(spec, 5);
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, rows, rowsPerShard: 3);

        var read = await CacheFixtures.ReadAllAsync(dir.Path);

        Assert.Equal(rows.Length, read.Count);
        for (var i = 0; i < rows.Length; i++)
        {
            Assert.Equal(6, read[i].Projections.Count);
            for (var k = 0; k < 6; k++) Assert.Equal(rows[i].Projections[k], read[i].Projections[k]);
        }
        Assert.Equal(2, CacheManifest.Load(dir.File(CacheManifest.FileName)).FormatVersion);
        Assert.Equal("2", await MetadataVersionAsync(dir.File("part-00000.parquet")));
    }

    [Fact]
    public async Task ReadAllAsync_OneProjectionLayerAsked_OnlyItsThreeColumns()
    {
        using var dir = new TemporaryDirectory();
        var spec = Spec();
        var rows = Rows(spec, 3);
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, rows, rowsPerShard: 3);

        var read = await CacheFixtures.ReadAllAsync(dir.Path, new CacheReaderOptions { Columns = new CacheColumns { ProjectionLayers = [2] } });

        // layer 2 is the second projection layer: its query, key and value are columns 3, 4, 5
        Assert.All(read.Zip(rows), pair => Assert.Equal(pair.Second.Projections.Skip(3), pair.First.Projections));
    }

    [Fact]
    public async Task Open_ProjectionLayerNotHeld_NamesWhatTheCacheHolds()
    {
        using var dir = new TemporaryDirectory();
        var spec = Spec();
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, Rows(spec, 2), rowsPerShard: 2);

        var error = Assert.Throws<CacheFormatException>(() => CacheReader.Open(dir.Path, new CacheReaderOptions { Columns = new CacheColumns { ProjectionLayers = [1] } }));

        Assert.Contains("projection layer 1 is not in the cache (it holds projection_layers [0, 2])", error.Message);
    }

    [Fact]
    public async Task WriteAsync_RowWithoutProjections_RefusedNamingThem()
    {
        using var dir = new TemporaryDirectory();
        var spec = Spec();
        var row = Rows(spec, 1)[0] with { Projections = [] };

        var error = await Assert.ThrowsAsync<CacheFormatException>(() => CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", spec, [row]));

        Assert.Contains("Projections has 0 arrays", error.Message);
    }

    [Fact]
    public async Task WriteCacheAsync_NoProjectionLayers_StaysVersionOne()
    {
        // Older builds read version 1 only: a cache that needs nothing newer must be exactly what they wrote.
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Classification();
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, CacheFixtures.Rows(spec, 2), rowsPerShard: 2);

        var manifest = JsonNode.Parse(File.ReadAllText(dir.File(CacheManifest.FileName)))!;

        Assert.Equal(1, (int)manifest["format_version"]!);
        // the version 1 spec's fields, no more
        Assert.Equal(["attention_layers", "dtype", "hidden_layers", "hidden_size", "logit_width", "num_heads", "pooled", "task", "token_level_logits"],
            manifest["spec"]!.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("1", await MetadataVersionAsync(dir.File("part-00000.parquet")));
        Assert.Equal(2, (await CacheFixtures.ReadAllAsync(dir.Path)).Count);
    }

    [Fact]
    public async Task Load_VersionOneManifestWithProjectionLayers_Refused()
    {
        using var dir = new TemporaryDirectory();
        var spec = Spec();
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, Rows(spec, 2), rowsPerShard: 2);
        var path = dir.File(CacheManifest.FileName);
        var json = JsonNode.Parse(File.ReadAllText(path))!;
        json["format_version"] = 1;
        File.WriteAllText(path, json.ToJsonString());

        var error = Assert.Throws<CacheFormatException>(() => CacheManifest.Load(path));

        Assert.Contains("format_version 1 caches hold no projection_layers (version 2 added them)", error.Message);
    }
}
