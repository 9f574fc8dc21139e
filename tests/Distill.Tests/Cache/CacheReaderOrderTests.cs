using System.Globalization;
using Distill.Cache;
using Distill.Tests.Support;

namespace Distill.Tests.Cache;

/// <summary>The order of a pass: a function of the options alone, and resumable inside it.</summary>
public sealed class CacheReaderOrderTests
{
    // 40 rows in shards of 15, 15, 10, row groups of 4: 11 groups.
    private static async Task<TemporaryDirectory> CacheAsync()
    {
        var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Classification();
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, CacheFixtures.Rows(spec, 40), rowsPerShard: 15, new CacheWriterOptions { RowGroupRows = 4 });
        return dir;
    }

    private static async Task<List<string>> IdsAsync(string dir, CacheReaderOptions options, int consumerDelayEvery = 0)
    {
        await using var reader = CacheReader.Open(dir, options);
        var ids = new List<string>();
        await foreach (var row in reader.ReadAllAsync())
        {
            ids.Add(row.FeatureId);
            if (consumerDelayEvery > 0 && ids.Count % consumerDelayEvery == 0)
            {
                // A slow consumer: the producer runs ahead as far as the channel lets it.
                await Task.Delay(2);
            }
        }
        return ids;
    }

    [Fact]
    public async Task ReadAllAsync_SameSeed_SameOrderWhateverThePrefetchAndConsumerSpeed()
    {
        using var dir = await CacheAsync();
        var options = new CacheReaderOptions { Shuffle = true, Seed = 11, ShuffleBufferBytes = 2048 };

        var first = await IdsAsync(dir.Path, options with { Prefetch = 1 });
        var second = await IdsAsync(dir.Path, options with { Prefetch = 1 });
        var deepPrefetch = await IdsAsync(dir.Path, options with { Prefetch = 16 });
        var slowConsumer = await IdsAsync(dir.Path, options with { Prefetch = 3 }, consumerDelayEvery: 3);

        Assert.Equal(40, first.Distinct().Count());
        Assert.Equal(first, second);
        Assert.Equal(first, deepPrefetch);
        Assert.Equal(first, slowConsumer);
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(false, 1)]
    [InlineData(false, 15)] // exactly the first shard
    [InlineData(false, 22)]
    [InlineData(false, 39)]
    [InlineData(false, 40)]
    [InlineData(false, 41)]
    [InlineData(true, 1)]
    [InlineData(true, 9)]
    [InlineData(true, 17)]
    [InlineData(true, 33)]
    [InlineData(true, 40)]
    public async Task ReadAllAsync_SkipRows_YieldsExactlyTheTailOfTheFullOrder(bool shuffle, long skip)
    {
        using var dir = await CacheAsync();
        foreach (int seed in new[] { 1, 2, 3 })
        {
            var options = new CacheReaderOptions { Shuffle = shuffle, Seed = seed, ShuffleBufferBytes = 2048 };
            var full = await IdsAsync(dir.Path, options);

            var resumed = await IdsAsync(dir.Path, options with { SkipRows = skip, Prefetch = 1 + seed });

            Assert.Equal(full.Skip((int)skip), resumed);
        }
    }

    [Fact]
    public async Task ReadAllAsync_SkipRowsWithALargeBuffer_HeldRowsOfSkippedShardsStillCome()
    {
        using var dir = await CacheAsync();
        // The whole cache fits the buffer: nothing leaves before the end, so the first 20 rows out
        // come from every shard, and the rest must still be decoded from all of them.
        var options = new CacheReaderOptions { Shuffle = true, Seed = 4 };
        var full = await IdsAsync(dir.Path, options);

        var resumed = await IdsAsync(dir.Path, options with { SkipRows = 20 });

        Assert.Equal(full.Skip(20), resumed);
    }

    [Fact]
    public async Task ReadAllAsync_SkipRowsPastAWholeShard_DoesNotReadThatShard()
    {
        using var dir = await CacheAsync();
        var full = await IdsAsync(dir.Path, new CacheReaderOptions());
        // A damaged first shard still fails a full pass; a pass resumed after its 15 rows never reads it
        // (only its length column, to place rows), so it yields the tail.
        var path = dir.File("part-00000.parquet");
        var bytes = File.ReadAllBytes(path);
        bytes[4] ^= 0xFF; // inside the first column chunk (feature_id), not the lengths or the footer
        File.WriteAllBytes(path, bytes);

        await Assert.ThrowsAsync<CacheFormatException>(() => IdsAsync(dir.Path, new CacheReaderOptions()));
        var resumed = await IdsAsync(dir.Path, new CacheReaderOptions { SkipRows = 15 });

        Assert.Equal(full.Skip(15), resumed);
        Assert.Equal("f15", resumed[0]);
        Assert.Equal(25, resumed.Select(id => int.Parse(id[1..], CultureInfo.InvariantCulture)).Distinct().Count());
    }
}
