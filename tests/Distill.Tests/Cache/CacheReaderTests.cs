using Distill.Cache;
using Distill.Tests.Support;
using Parquet;

namespace Distill.Tests.Cache;

public sealed class CacheReaderTests
{
    private static async Task<(TemporaryDirectory Dir, CacheWriteRow[] Rows)> CacheAsync(int rows = 40)
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
        var options = new CacheReaderOptions { Shuffle = true, Seed = 7, ShuffleBufferBytes = 2048 };

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

    [Theory]
    [InlineData(CacheDType.Fp16, CompressionMethod.Zstd)]
    [InlineData(CacheDType.Bf16, CompressionMethod.Zstd)]
    [InlineData(CacheDType.Fp32, CompressionMethod.Zstd)]
    // Uncompressed pages are read from the mapping in place, Snappy ones through Parquet.Net.
    [InlineData(CacheDType.Fp16, CompressionMethod.None)]
    [InlineData(CacheDType.Fp16, CompressionMethod.Snappy)]
    public async Task ReadAllAsync_TensorsComeInTheStoredDTypeAsTheWriterEncodedThem(CacheDType dtype, CompressionMethod codec)
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging(dtype);
        var rows = CacheFixtures.Rows(spec, 7);
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, rows, rowsPerShard: 4, new CacheWriterOptions { RowGroupRows = 3, Compression = codec, TensorCompression = codec });
        byte[] Encoded(float[] values) => CacheFixtures.Encoded(values, dtype);

        var read = await CacheFixtures.ReadCachedAsync(dir.Path);

        Assert.Equal(rows.Length, read.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            var (expected, actual) = (rows[i], read[i]);
            Assert.Equal(expected.Logits, actual.Logits);
            Assert.Equal(2, actual.Hidden.Count);
            for (int l = 0; l < 2; l++)
            {
                Assert.Equal(dtype, actual.Hidden[l].DType);
                Assert.Equal(expected.Hidden[l].Length, actual.Hidden[l].Count);
                Assert.Equal(Encoded(expected.Hidden[l]), actual.Hidden[l].Bytes.ToArray());
            }
            Assert.Equal(Encoded(expected.Attentions[0]), Assert.Single(actual.Attentions).Bytes.ToArray());
            Assert.Equal(Encoded(expected.Pooled!), actual.Pooled!.Value.Bytes.ToArray());
            var decoded = new float[actual.Hidden[1].Count];
            actual.Hidden[1].DecodeInto(decoded);
            Assert.Equal(actual.Hidden[1].ToFloats(), decoded);
        }
    }

    [Fact]
    public void CachedTensor_DecodeIntoWrongLength_Throws()
    {
        var tensor = new CachedTensor(new byte[4], CacheDType.Fp16, 2);

        var error = Assert.Throws<ArgumentException>(() => tensor.DecodeInto(new float[3]));

        Assert.StartsWith("the tensor has 2 values, the destination holds 3", error.Message);
    }

    [Fact]
    public async Task ReadAllAsync_ProjectedColumns_RowsHoldOnlyThoseInTheAskedOrder()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging() with { HiddenLayers = [0, 2, 3] };
        var rows = CacheFixtures.Rows(spec, 6);
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, rows, rowsPerShard: 4);
        var columns = new CacheColumns { HiddenLayers = [3, 0], AttentionLayers = [], Pooled = false, Logits = false };
        await using var reader = CacheReader.Open(dir.Path, new CacheReaderOptions { Columns = columns });

        var read = new List<CacheReadRow>();
        await foreach (var row in reader.ReadAllAsync())
        {
            read.Add(row);
        }

        Assert.Equal([3, 0], reader.Columns.HiddenLayers!);
        Assert.Equal(rows.Length, read.Count);
        for (int i = 0; i < rows.Length; i++)
        {
            Assert.Equal(rows[i].InputIds, read[i].InputIds);
            Assert.Equal(2, read[i].Hidden.Count);
            Assert.Equal(rows[i].Hidden[2].Select(v => (float)(Half)v), read[i].Hidden[0].ToFloats());
            Assert.Equal(rows[i].Hidden[0].Select(v => (float)(Half)v), read[i].Hidden[1].ToFloats());
            Assert.Empty(read[i].Attentions);
            Assert.Null(read[i].Pooled);
            Assert.Empty(read[i].Logits);
            Assert.Null(read[i].TopK);
        }
    }

    [Fact]
    public async Task Open_LayerTheCacheLacks_FailsNamingItAndWhatTheCacheHolds()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;

        var error = Assert.Throws<CacheFormatException>(() =>
            CacheReader.Open(dir.Path, new CacheReaderOptions { Columns = new CacheColumns { HiddenLayers = [4] } }));

        Assert.Equal("columns to read: hidden layer 4 is not in the cache (it holds hidden_layers [1])", error.Message);
    }

    [Fact]
    public async Task ReadAllAsync_ShuffleBufferOfOneByte_PassesRowsThroughInFileOrderWithinGroups()
    {
        var (dir, rows) = await CacheAsync();
        using var _ = dir;
        await using var reader = CacheReader.Open(dir.Path, new CacheReaderOptions { Shuffle = true, Seed = 3, ShuffleBufferBytes = 1 });

        var ids = new List<int>();
        await foreach (var row in reader.ReadAllAsync())
        {
            ids.Add(int.Parse(row.FeatureId[1..], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Equal((0L, 0), reader.PeakBuffered);
        // Shards of 15, 15 and 10 rows in groups of up to 4: each group arrives whole and in file order.
        for (int position = 0; position < ids.Count;)
        {
            int start = ids[position];
            Assert.Equal(0, start % 15 % 4);
            int size = Math.Min(4, Math.Min((start / 15 + 1) * 15, rows.Length) - start);
            Assert.Equal(Enumerable.Range(start, size), ids.Skip(position).Take(size));
            position += size;
        }
        Assert.Equal(rows.Length, ids.Distinct().Count());
        Assert.NotEqual(Enumerable.Range(0, rows.Length), ids);
    }

    [Fact]
    public async Task ReadAllAsync_ShuffleBufferInBytes_BoundsTheRowsHeld()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;
        await using var reader = CacheReader.Open(dir.Path, new CacheReaderOptions { Shuffle = true, Seed = 5, ShuffleBufferBytes = 1500 });

        await foreach (var row in reader.ReadAllAsync())
        {
        }

        // Classification rows here count 256 + 16 T + 8 + 6 T bytes, T in 2..5: 308 to 374 bytes.
        Assert.InRange(reader.PeakBuffered.Bytes, 1100, 1500);
        Assert.InRange(reader.PeakBuffered.Rows, 3, 4);
    }

    [Fact]
    public async Task ReadAllAsync_FlippedByteWhileShuffling_YieldsNoRowOfThatShard()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;
        CacheFixtures.FlipMiddleByte(dir.File("part-00001.parquet"));
        await using var reader = CacheReader.Open(dir.Path, new CacheReaderOptions { Shuffle = true, Seed = 2, ShuffleBufferBytes = 1 });
        var seen = new List<string>();

        var error = await Assert.ThrowsAsync<CacheFormatException>(async () =>
        {
            await foreach (var row in reader.ReadAllAsync())
            {
                seen.Add(row.FeatureId);
            }
        });

        Assert.StartsWith("part-00001.parquet: SHA-256 is ", error.Message);
        Assert.DoesNotContain(seen, id => int.Parse(id[1..], System.Globalization.CultureInfo.InvariantCulture) is >= 15 and < 30);
    }

    [Fact]
    public async Task ReadAllAsync_VerifiedShardRewrittenBetweenPasses_IsHashedAgain()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;
        var options = new CacheReaderOptions { Verified = new VerifiedShards() };
        await CacheFixtures.ReadAllAsync(dir.Path, options);
        CacheFixtures.FlipMiddleByte(dir.File("part-00001.parquet"));

        var error = await Assert.ThrowsAsync<CacheFormatException>(() => CacheFixtures.ReadAllAsync(dir.Path, options));

        Assert.StartsWith("part-00001.parquet: SHA-256 is ", error.Message);
    }

    [Fact]
    public async Task ReadAllAsync_VerifiedShardUnchangedByTime_IsNotHashedAgain()
    {
        var (dir, _) = await CacheAsync();
        using var __ = dir;
        var options = new CacheReaderOptions { Verified = new VerifiedShards() };
        await CacheFixtures.ReadAllAsync(dir.Path, options);
        // Damage that keeps the size and the modification time: only a hash sees it.
        var path = dir.File("part-00001.parquet");
        var written = File.GetLastWriteTimeUtc(path);
        CacheFixtures.FlipMiddleByte(path);
        File.SetLastWriteTimeUtc(path, written);

        var fresh = await Assert.ThrowsAsync<CacheFormatException>(() => CacheFixtures.ReadAllAsync(dir.Path));
        var again = await Record.ExceptionAsync(() => CacheFixtures.ReadAllAsync(dir.Path, options));

        Assert.StartsWith("part-00001.parquet: SHA-256 is ", fresh.Message);
        Assert.False(again?.Message.StartsWith("part-00001.parquet: SHA-256 is ", StringComparison.Ordinal) ?? false, again?.Message);
    }

    [Fact]
    public async Task ReadAllAsync_ShardsAreSymbolicLinks_ReadsTheirTargets()
    {
        var (dir, rows) = await CacheAsync();
        using var __ = dir;
        using var elsewhere = new TemporaryDirectory();
        foreach (var shard in Directory.GetFiles(dir.Path, "part-*.parquet"))
        {
            var target = Path.Combine(elsewhere.Path, Path.GetFileName(shard));
            File.Move(shard, target);
            File.CreateSymbolicLink(shard, target);
        }

        var read = await CacheFixtures.ReadAllAsync(dir.Path);

        Assert.Equal(rows.Select(r => r.FeatureId), read.Select(r => r.FeatureId));
    }
}
