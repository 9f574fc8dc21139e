using Parquet;

namespace Distill.Cache;

/// <summary>
/// Checks a cache directory against its manifest without decoding rows: each listed shard exists, has
/// the recorded size and SHA-256, opens as Parquet, has the recorded row count and the spec's columns;
/// and no shard file is present that the manifest does not list.
/// </summary>
public static class CacheVerifier
{
    /// <summary>One line per bad shard (or for the manifest), naming it and everything that differs; empty when sound.</summary>
    public static async Task<IReadOnlyList<string>> VerifyAsync(string cacheDir, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cacheDir);
        CacheManifest manifest;
        try
        {
            manifest = CacheManifest.Load(Path.Combine(cacheDir, CacheManifest.FileName));
        }
        catch (CacheFormatException e)
        {
            return [e.Message];
        }
        var schema = new CacheSchema(manifest.Spec);
        var problems = new List<string>();
        foreach (var entry in manifest.Shards)
        {
            var shardProblems = await CheckShardAsync(Path.Combine(cacheDir, entry.File), entry, schema, cancellationToken);
            if (shardProblems.Count > 0)
            {
                problems.Add($"{entry.File}: {string.Join("; ", shardProblems)}");
            }
        }
        var listed = manifest.Shards.Select(s => s.File).ToHashSet(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(cacheDir, CacheShardNames.Glob).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            if (!listed.Contains(file!))
            {
                problems.Add($"{file}: present in the directory but not listed in {CacheManifest.FileName}");
            }
        }
        return problems;
    }

    /// <summary>Synchronous form of <see cref="VerifyAsync"/>, for command lines and tests.</summary>
    public static IReadOnlyList<string> Verify(string cacheDir) =>
        Task.Run(() => VerifyAsync(cacheDir)).GetAwaiter().GetResult();

    private static async Task<List<string>> CheckShardAsync(string path, CacheShardEntry entry, CacheSchema schema, CancellationToken cancellationToken)
    {
        if (!File.Exists(path))
        {
            return ["file is missing"];
        }
        try
        {
            await using var stream = ShardFile.OpenRead(path);
            var (bytes, sha256) = await ShardFile.MeasureAsync(stream, cancellationToken);
            var problems = ShardFile.CompareBytes(entry, bytes, sha256);
            stream.Position = 0;
            try
            {
                await using var reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken);
                problems.AddRange(ShardFile.CompareContents(reader, schema, entry.Rows));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // A damaged footer surfaces as whichever exception the parser hits first (ParquetException,
                // Thrift, IO, index errors): report it as this shard's problem rather than stop verifying.
                problems.Add($"does not open as Parquet ({e.GetType().Name}: {e.Message})");
            }
            return problems;
        }
        catch (IOException e)
        {
            return [$"cannot be read ({e.Message})"];
        }
    }
}
