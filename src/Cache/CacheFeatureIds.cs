using Parquet;
using Parquet.Schema;

namespace Distill.Cache;

/// <summary>
/// Reads only the feature ids of a cache's shards (one small column), so that a training run can check that the
/// cache covers exactly its data (<see cref="CacheJoin"/>) before it takes a step. Checksums are checked when
/// the rows themselves are read.
/// </summary>
internal static class CacheFeatureIds
{
    /// <summary>
    /// What is wrong with a complete cache's feature ids: a repeated id (the same feature cached twice, e.g. by
    /// shards cut with two shard sizes), or a count other than the <paramref name="features"/> the data gave
    /// (null: not recorded). Empty when sound.
    /// </summary>
    public static List<string> Problems(IReadOnlyList<string> ids, long? features)
    {
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var repeated = ids.Where(id => !seen.Add(id)).ToList();
        if (repeated.Count > 0) problems.Add($"{repeated.Count} feature id(s) cached more than once: {CacheJoin.Sample(repeated)}");
        if (features is { } expected && seen.Count != expected)
        {
            problems.Add($"holds {seen.Count} distinct features, the data gave {expected}{(seen.Count < expected ? $" ({expected - seen.Count} missing)" : "")}");
        }
        return problems;
    }

    public static IReadOnlyList<string> Read(string cacheDir, CacheManifest manifest) =>
        Task.Run(() => ReadAsync(cacheDir, manifest)).GetAwaiter().GetResult();

    public static async Task<IReadOnlyList<string>> ReadAsync(string cacheDir, CacheManifest manifest, CancellationToken cancellationToken = default)
    {
        var ids = new List<string>((int)Math.Min(manifest.TotalRows, int.MaxValue));
        var expected = new CacheSchema(manifest.Spec).FeatureId;
        foreach (var entry in manifest.Shards)
        {
            var path = Path.Combine(cacheDir, entry.File);
            if (!File.Exists(path)) throw new CacheFormatException($"{entry.File}: listed in {CacheManifest.FileName} but missing from {cacheDir}");
            await using var stream = ShardFile.OpenRead(path);
            await using var reader = await ShardFile.OpenParquetAsync(stream, entry.File, leaveOpen: false, cancellationToken);
            var field = reader.Schema.GetDataFields().FirstOrDefault(f => f.Path.ToString() == expected.Path.ToString())
                ?? throw new CacheFormatException($"{entry.File}: column {expected.Name} is missing");
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var values = new string[checked((int)group.RowCount)];
                await group.ReadAsync(field, values, null, cancellationToken);
                ids.AddRange(values);
            }
        }
        return ids;
    }
}
