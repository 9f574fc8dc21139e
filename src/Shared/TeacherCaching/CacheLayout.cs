using System.Globalization;
using Distill.Cache;

namespace Distill.TeacherCaching;

/// <summary>
/// File names inside a cache directory besides the shards: the finished <c>manifest.json</c> (one job) or one
/// manifest per job of a sharded run (merged into <c>manifest.json</c> by <c>cache-teacher merge</c>), and the
/// hidden progress file a job keeps while it runs.
/// </summary>
internal static class CacheLayout
{
    public static string FinishedManifest(string dir, int jobs, int job) =>
        Path.Combine(dir, jobs == 1 ? CacheManifest.FileName : $"manifest-{Job(job)}-of-{Job(jobs)}.json");

    public static string ProgressFile(string dir, int jobs, int job) => Path.Combine(dir, $".progress-{Job(job)}-of-{Job(jobs)}.json");

    /// <summary>Held (an OS file lock, released even by kill -9) while a job writes, so two runs of one job cannot interleave.</summary>
    public static string LockFile(string dir, int jobs, int job) => Path.Combine(dir, $".lock-{Job(job)}-of-{Job(jobs)}");

    public const string JobManifestGlob = "manifest-*-of-*.json";

    private static string Job(int n) => n.ToString("D5", CultureInfo.InvariantCulture);
}
