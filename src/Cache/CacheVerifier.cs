using Parquet;

namespace Distill.Cache;

/// <summary>
/// Checks a cache directory against its manifest without decoding rows: each listed shard exists, has
/// the recorded size and SHA-256, opens as Parquet, has the recorded row count and the spec's columns;
/// no shard file is present that the manifest does not list; and, when all that holds, every feature is cached
/// once (no repeated feature id, and as many as the data gave when the manifest records it).
/// </summary>
internal static class CacheVerifier
{
    /// <summary>One line per bad shard (or for the manifest), naming it and everything that differs; empty when sound.</summary>
    /// <param name="cacheDir">the cache directory</param>
    /// <param name="dataFile">when given, also check that the cache was made from this data file (read with the settings it records)</param>
    /// <param name="teacher">when given, also check that the cache was made by this teacher (<see cref="CacheIdentity.IsTeacher"/>)</param>
    /// <param name="cancellationToken">stops the check</param>
    public static async Task<IReadOnlyList<string>> VerifyAsync(string cacheDir, string? dataFile = null, string? teacher = null, CancellationToken cancellationToken = default)
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
        if (dataFile is not null && CacheIdentity.Data(dataFile, CacheIdentity.DataSettingsFrom(manifest.Data.ReaderSettings)) != manifest.Data.Identity)
        {
            problems.Add($"data: {dataFile} is not the data this cache was made from (identity covers the file's bytes, its name and the reader settings)");
        }
        if (teacher is not null && !CacheIdentity.IsTeacher(teacher, manifest.Teacher))
        {
            problems.Add($"teacher: {teacher} is not the teacher this cache was made by");
        }
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
        if (problems.Count == 0)
        {
            var ids = await CacheFeatureIds.ReadAsync(cacheDir, manifest, cancellationToken);
            problems.AddRange(CacheFeatureIds.Problems(ids, manifest.Data.Features).Select(p => $"features: {p}"));
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
                await using var reader = await ShardFile.OpenParquetAsync(stream, entry.File, leaveOpen: true, cancellationToken);
                problems.AddRange(ShardFile.CompareContents(reader, schema, entry.Rows));
            }
            catch (CacheFormatException e)
            {
                // This shard's problem (its message names the shard again): report it and go on verifying the others.
                problems.Add(e.Message);
            }
            return problems;
        }
        catch (IOException e)
        {
            return [$"cannot be read ({e.Message})"];
        }
    }
}
