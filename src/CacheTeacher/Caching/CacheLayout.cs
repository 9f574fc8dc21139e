using System.Globalization;
using Distill.Cache;

namespace Distill.CacheTeacher.Caching;

/// <summary>
/// File names inside a cache directory besides the shards: the finished <c>manifest.json</c> (one job) or one
/// manifest per job of a sharded run (merged into <c>manifest.json</c> by <c>cache-teacher merge</c>), and the
/// hidden progress file a job keeps while it runs.
/// </summary>
public static class CacheLayout
{
    public static string FinishedManifest(string dir, int jobs, int job) =>
        Path.Combine(dir, jobs == 1 ? CacheManifest.FileName : $"manifest-{Job(job)}-of-{Job(jobs)}.json");

    public static string ProgressFile(string dir, int jobs, int job) => Path.Combine(dir, $".progress-{Job(job)}-of-{Job(jobs)}.json");

    public const string JobManifestGlob = "manifest-*-of-*.json";

    private static string Job(int n) => n.ToString("D5", CultureInfo.InvariantCulture);
}
