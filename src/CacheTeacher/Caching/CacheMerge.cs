using System.Globalization;
using System.Text.RegularExpressions;
using Distill.Cache;
using Distill.TeacherCaching;

namespace Distill.CacheTeacher.Caching;

/// <summary>
/// Combines the manifests of a sharded run's jobs into one <c>manifest.json</c>, checking completeness: every
/// job, every shard the data needs (from the recorded feature count and shard size), and every feature once.
/// </summary>
internal static partial class CacheMerge
{
    private const int Listed = 10;

    /// <returns>the merged manifest's path</returns>
    public static string Execute(string cacheDir)
    {
        var paths = Directory.GetFiles(cacheDir, CacheLayout.JobManifestGlob).Order(StringComparer.Ordinal).ToList();
        if (paths.Count == 0) throw new CacheFormatException($"{cacheDir}: no job manifests ({CacheLayout.JobManifestGlob}) to merge");
        var jobs = paths.Select(CacheManifest.Load).ToList();
        var first = jobs[0];
        var problems = new List<string>();
        var expectedJobs = first.NumShards ?? 1;
        for (var i = 0; i < jobs.Count; i++)
        {
            var job = jobs[i];
            var name = Path.GetFileName(paths[i]);
            if (job.NumShards != first.NumShards) problems.Add($"{name}: num_shards {job.NumShards}, {Path.GetFileName(paths[0])} says {first.NumShards}");
            if (job.Teacher.Identity != first.Teacher.Identity) problems.Add($"{name}: another teacher (identity {Short(job.Teacher.Identity)}, not {Short(first.Teacher.Identity)})");
            if (job.Data.Identity != first.Data.Identity) problems.Add($"{name}: other data (identity {Short(job.Data.Identity)}, not {Short(first.Data.Identity)})");
            if (job.Spec.ToJson() != first.Spec.ToJson()) problems.Add($"{name}: another cache spec ({job.Spec.ToJson()}, not {first.Spec.ToJson()})");
        }
        var present = jobs.Select(j => j.ShardIndex ?? 0).ToList();
        var missingJobs = Enumerable.Range(0, expectedJobs).Except(present).ToList();
        if (missingJobs.Count > 0) problems.Add($"jobs {string.Join(", ", missingJobs)} of {expectedJobs} have not finished (no manifest-NNNNN-of-{expectedJobs:D5}.json)");
        var duplicates = present.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0) problems.Add($"jobs {string.Join(", ", duplicates)} appear more than once");

        var shards = jobs.SelectMany(j => j.Shards).ToList();
        var repeated = shards.GroupBy(s => s.File).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0) problems.Add($"shards listed by more than one job: {string.Join(", ", repeated)}");
        problems.AddRange(ShardNumberProblems(shards, first));
        if (problems.Count > 0) throw new CacheFormatException($"{cacheDir}: cannot merge: {string.Join("; ", problems)}");

        var merged = first with
        {
            Shards = shards.OrderBy(s => s.File, StringComparer.Ordinal).ToList(),
            NumShards = null,
            ShardIndex = null,
            CreatedUtc = DateTimeOffset.UtcNow,
        };
        var featureProblems = CacheFeatureIds.Problems(CacheFeatureIds.Read(cacheDir, merged), merged.Data.Features);
        if (featureProblems.Count > 0) throw new CacheFormatException($"{cacheDir}: cannot merge: {string.Join("; ", featureProblems)}");
        var path = Path.Combine(cacheDir, CacheManifest.FileName);
        merged.Save(path);
        return path;
    }

    /// <summary>
    /// Shards missing from 0 to the last one the data needs (from the recorded feature count and shard size;
    /// the highest listed when not recorded), shards beyond it, and names that are not part-N.parquet.
    /// </summary>
    private static IEnumerable<string> ShardNumberProblems(List<CacheShardEntry> shards, CacheManifest first)
    {
        var numbers = new List<long>();
        var odd = new List<string>();
        foreach (var shard in shards)
        {
            var match = ShardNumber().Match(shard.File);
            if (match.Success && long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) numbers.Add(number);
            else odd.Add(shard.File);
        }
        if (odd.Count > 0) yield return $"shards not named by cache-teacher run (part-N.parquet): {string.Join(", ", odd.Take(Listed))}";
        long count = first.Data.Features is { } features && first.Spec.RowsPerShard is { } rows
            ? (features + rows - 1) / rows
            : numbers.Count == 0 ? 0 : numbers.Max() + 1;
        var have = numbers.ToHashSet();
        var missing = new List<long>();
        for (long k = 0; k < count && missing.Count <= Listed; k++)
        {
            if (!have.Contains(k)) missing.Add(k);
        }
        var missingCount = count - have.Count(k => k < count);
        if (missingCount > 0) yield return $"{missingCount} missing shard(s): {Names(missing.Take(Listed), missingCount)}";
        var beyond = numbers.Where(k => k >= count).Order().ToList();
        if (beyond.Count > 0) yield return $"{beyond.Count} shard(s) beyond the {count} the data needs: {Names(beyond.Take(Listed), beyond.Count)}";
    }

    private static string Names(IEnumerable<long> numbers, long total) =>
        string.Join(", ", numbers.Select(CacheShardNames.For)) + (total > Listed ? ", ..." : "");

    /// <summary>The first 12 hex digits of an identity, enough to tell two apart in a message.</summary>
    private static string Short(string identity) => identity.Length > 12 ? identity[..12] + "…" : identity;

    [GeneratedRegex(@"\Apart-([0-9]+)\.parquet\z", RegexOptions.CultureInvariant)]
    private static partial Regex ShardNumber();
}
