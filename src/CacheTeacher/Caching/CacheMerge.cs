using System.Text.RegularExpressions;
using Distill.Cache;

namespace Distill.CacheTeacher.Caching;

/// <summary>Combines the manifests of a sharded run's jobs into one <c>manifest.json</c>, checking completeness.</summary>
public static partial class CacheMerge
{
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
            if (job.Teacher.Identity != first.Teacher.Identity) problems.Add($"{name}: another teacher (identity {job.Teacher.Identity[..12]}…, not {first.Teacher.Identity[..12]}…)");
            if (job.Data.Identity != first.Data.Identity) problems.Add($"{name}: other data (identity {job.Data.Identity[..12]}…, not {first.Data.Identity[..12]}…)");
            if (job.Spec.ToJson() != first.Spec.ToJson()) problems.Add($"{name}: another cache spec");
        }
        var present = jobs.Select(j => j.ShardIndex ?? 0).ToList();
        var missingJobs = Enumerable.Range(0, expectedJobs).Except(present).ToList();
        if (missingJobs.Count > 0) problems.Add($"jobs {string.Join(", ", missingJobs)} of {expectedJobs} have not finished (no manifest-NNNNN-of-{expectedJobs:D5}.json)");
        var duplicates = present.GroupBy(p => p).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (duplicates.Count > 0) problems.Add($"jobs {string.Join(", ", duplicates)} appear more than once");

        var shards = jobs.SelectMany(j => j.Shards).ToList();
        var numbers = shards.Select(s => ShardNumber().Match(s.File)).Select(m => m.Success ? int.Parse(m.Groups[1].Value) : -1).ToList();
        var repeated = shards.GroupBy(s => s.File).Where(g => g.Count() > 1).Select(g => g.Key).ToList();
        if (repeated.Count > 0) problems.Add($"shards listed by more than one job: {string.Join(", ", repeated)}");
        var gaps = numbers.Count == 0 ? [] : Enumerable.Range(0, numbers.Max() + 1).Except(numbers).ToList();
        if (gaps.Count > 0) problems.Add($"missing shards: {string.Join(", ", gaps.Select(CacheShardNames.For))}");
        if (problems.Count > 0) throw new CacheFormatException($"{cacheDir}: cannot merge: {string.Join("; ", problems)}");

        var merged = first with
        {
            Shards = shards.OrderBy(s => s.File, StringComparer.Ordinal).ToList(),
            NumShards = null,
            ShardIndex = null,
            CreatedUtc = DateTimeOffset.UtcNow,
        };
        var path = Path.Combine(cacheDir, CacheManifest.FileName);
        merged.Save(path);
        return path;
    }

    [GeneratedRegex(@"^part-(\d{5})\.parquet$")]
    private static partial Regex ShardNumber();
}
