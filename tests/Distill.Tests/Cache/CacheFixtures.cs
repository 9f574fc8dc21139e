using System.Text.Json.Nodes;
using Distill.Cache;

namespace Distill.Tests.Cache;

/// <summary>Small specs, rows with distinct values, and whole cache directories for the cache tests.</summary>
internal static class CacheFixtures
{
    /// <summary>Tagging: 3 classes per token, hidden layers 0 and 2 (H = 4), attention layer 1 (2 heads), pooled.</summary>
    public static CacheSpec Tagging(CacheDType dtype = CacheDType.Fp16, int? topK = null) => new()
    {
        Task = "tagging",
        LogitWidth = 3,
        TokenLevelLogits = true,
        HiddenLayers = [0, 2],
        AttentionLayers = [1],
        HiddenSize = 4,
        NumHeads = 2,
        Pooled = true,
        DType = dtype,
        TopK = topK,
    };

    public static CacheSpec Classification() => new()
    {
        Task = "classification",
        LogitWidth = 2,
        HiddenLayers = [1],
        HiddenSize = 3,
    };

    /// <summary>Row <paramref name="index"/>: T = 2 + index % 4 tokens, values drawn from a generator seeded by the index.</summary>
    public static CacheWriteRow Row(CacheSpec spec, int index)
    {
        var random = new Random(index);
        int t = 2 + index % 4;
        float[] Values(long count) => Enumerable.Range(0, (int)count).Select(_ => (float)(random.NextDouble() * 8 - 4)).ToArray();
        return new CacheWriteRow(
            FeatureId: $"f{index}",
            ExampleId: $"e{index / 2}",
            InputIds: Enumerable.Range(0, t).Select(i => 100 * index + i).ToArray(),
            Offsets: Enumerable.Range(0, 2 * t).Select(i => i + index).ToArray(),
            Segments: Enumerable.Range(0, t).Select(i => i == 0 ? -1 : i % 2).ToArray(),
            Logits: Values((long)spec.Positions(t) * spec.LogitWidth),
            Hidden: spec.HiddenLayers.Select(_ => Values((long)t * spec.HiddenSize)).ToArray(),
            Attentions: spec.AttentionLayers.Select(_ => Values((long)spec.NumHeads * t * t)).ToArray(),
            Pooled: spec.Pooled ? Values(spec.HiddenSize) : null);
    }

    public static CacheWriteRow[] Rows(CacheSpec spec, int count, int first = 0) =>
        Enumerable.Range(first, count).Select(i => Row(spec, i)).ToArray();

    public static async Task<ShardInfo> WriteShardAsync(string directory, string name, CacheSpec spec, IReadOnlyList<CacheWriteRow> rows, CacheWriterOptions? options = null)
    {
        await using var writer = await CacheShardWriter.CreateAsync(directory, name, spec, options);
        await writer.WriteAsync(rows);
        return await writer.CompleteAsync();
    }

    /// <summary>Shards part-00000, part-00001, ... holding rows [first, first + count) each, as given (they may overlap).</summary>
    public static async Task<CacheShardEntry[]> WriteShardsAsync(string directory, CacheSpec spec, params (int First, int Count)[] parts)
    {
        var entries = new CacheShardEntry[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            var info = await WriteShardAsync(directory, CacheShardNames.For(i), spec, Rows(spec, parts[i].Count, parts[i].First));
            entries[i] = CacheShardEntry.From(info, 0);
        }
        return entries;
    }

    /// <summary>Writes <paramref name="rows"/> as shards of <paramref name="rowsPerShard"/> rows plus a manifest.</summary>
    public static async Task<CacheManifest> WriteCacheAsync(
        string directory, CacheSpec spec, IReadOnlyList<CacheWriteRow> rows, int rowsPerShard, CacheWriterOptions? options = null)
    {
        var shards = new List<CacheShardEntry>();
        for (int start = 0, index = 0; start < rows.Count; start += rowsPerShard, index++)
        {
            var part = rows.Skip(start).Take(rowsPerShard).ToArray();
            shards.Add(CacheShardEntry.From(await WriteShardAsync(directory, CacheShardNames.For(index), spec, part, options), 0));
        }
        var manifest = Manifest(spec, shards);
        manifest.Save(Path.Combine(directory, CacheManifest.FileName));
        return manifest;
    }

    public static CacheManifest Manifest(CacheSpec spec, IReadOnlyList<CacheShardEntry> shards) => new()
    {
        Teacher = new CacheTeacherInfo(new string('a', 64), new JsonObject { ["hidden_size"] = spec.HiddenSize }),
        Data = new CacheDataInfo(new string('b', 64), new JsonObject { ["max_length"] = 128 }),
        Spec = spec,
        Shards = shards,
        CreatedUtc = new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero),
    };

    /// <summary>Every row of a pass, tensors decoded to float32.</summary>
    public static async Task<List<CacheWriteRow>> ReadAllAsync(string directory, CacheReaderOptions? options = null) =>
        (await ReadCachedAsync(directory, options)).Select(r => r.ToCacheRow()).ToList();

    /// <summary>Every row of a pass as the reader yields it.</summary>
    public static async Task<List<CacheReadRow>> ReadCachedAsync(string directory, CacheReaderOptions? options = null)
    {
        await using var reader = CacheReader.Open(directory, options);
        var rows = new List<CacheReadRow>();
        await foreach (var row in reader.ReadAllAsync())
        {
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>The bytes the writer stores for <paramref name="values"/> in <paramref name="dtype"/>.</summary>
    public static byte[] Encoded(float[] values, CacheDType dtype)
    {
        var bytes = new byte[values.Length * TensorBlob.ElementSize(dtype)];
        TensorBlob.Encode(values, dtype, bytes);
        return bytes;
    }

    /// <summary>Flips every bit of the byte in the middle of <paramref name="path"/>.</summary>
    public static void FlipMiddleByte(string path)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[bytes.Length / 2] ^= 0xFF;
        File.WriteAllBytes(path, bytes);
    }
}
