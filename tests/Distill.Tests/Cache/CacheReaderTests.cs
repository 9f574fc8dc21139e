using Distill.Cache;
using Distill.Tests.Support;

namespace Distill.Tests.Cache;

public sealed class CacheReaderTests
{
    private static async Task<(TemporaryDirectory Dir, CacheRow[] Rows)> CacheAsync(int rows = 40)
    {
        var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Classification();
        var all = CacheFixtures.Rows(spec, rows);
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, all, rowsPerShard: 15, new CacheWriterOptions { RowGroupRows = 4 });
        return (dir, all);
    }

    private static async Task<List<string>> IdsAsync(string dir, CacheReaderOptions options) =>
        (await CacheFixtures.ReadAllAsync(dir, options)).Select(r => r.FeatureId).ToList();

    [Fact]
    public async Task ReadAllAsync_NoShuffle_GivesManifestAndFileOrder()
    {
        var (dir, rows) = await CacheAsync();
        using var _ = dir;

        Assert.Equal(rows.Select(r => r.FeatureId), await IdsAsync(dir.Path, new CacheReaderOptions { Prefetch = 1 }));
    }

    [Fact]
    public async Task ReadAllAsync_ShuffleWithSmallBuffer_CoversEveryRowOnceDeterministically()
    {
        var (dir, rows) = await CacheAsync();
        using var _ = dir;
        var options = new CacheReaderOptions { Shuffle = true, Seed = 7, ShuffleBuffer = 6 };

        var first = await IdsAsync(dir.Path, options);
        var second = await IdsAsync(dir.Path, options);
        var otherSeed = await IdsAsync(dir.Path, options with { Seed = 8 });

        Assert.Equal(rows.Select(r => r.FeatureId).Order(), first.Order());
        Assert.Equal(first.Count, first.Distinct().Count());
        Assert.Equal(first, second);
        Assert.NotEqual(rows.Select(r => r.FeatureId), first);
        Assert.NotEqual(first, otherSeed);
    }

    [Fact]
    public async Task ReadAllAsync_FlippedByte_FailsNamingTheShard()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;
        CacheFixtures.FlipMiddleByte(dir.File("part-00001.parquet"));

        var error = await Assert.ThrowsAsync<CacheFormatException>(() => CacheFixtures.ReadAllAsync(dir.Path));

        Assert.StartsWith("part-00001.parquet: SHA-256 is ", error.Message);
        Assert.Contains("restore it or rebuild the cache", error.Message);
    }

    [Fact]
    public async Task ReadAllAsync_FlippedByte_RowsOfEarlierShardsComeFirst()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;
        CacheFixtures.FlipMiddleByte(dir.File("part-00001.parquet"));
        await using var reader = CacheReader.Open(dir.Path);
        var seen = new List<string>();

        await Assert.ThrowsAsync<CacheFormatException>(async () =>
        {
            await foreach (var row in reader.ReadAllAsync())
            {
                seen.Add(row.FeatureId);
            }
        });

        Assert.Equal(Enumerable.Range(0, 15).Select(i => $"f{i}"), seen);
    }

    [Fact]
    public async Task ReadAllAsync_MissingShard_NamesIt()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;
        File.Delete(dir.File("part-00002.parquet"));

        var error = await Assert.ThrowsAsync<CacheFormatException>(() => CacheFixtures.ReadAllAsync(dir.Path));

        Assert.StartsWith("part-00002.parquet: listed in manifest.json but missing", error.Message);
    }

    [Fact]
    public async Task ReadAllAsync_StoppedEarly_ReaderDisposesAndCanReadAgain()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;
        await using var reader = CacheReader.Open(dir.Path, new CacheReaderOptions { Prefetch = 1 });

        await foreach (var row in reader.ReadAllAsync())
        {
            break;
        }
        int count = 0;
        await foreach (var row in reader.ReadAllAsync())
        {
            count++;
        }

        Assert.Equal(40, count);
        Assert.Equal(40, reader.Manifest.TotalRows);
    }

    [Fact]
    public async Task ReadAllAsync_Cancelled_Throws()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;
        await using var reader = CacheReader.Open(dir.Path);
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var row in reader.ReadAllAsync(cancel.Token))
            {
                await cancel.CancelAsync();
            }
        });
    }
}
