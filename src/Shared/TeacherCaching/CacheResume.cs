using Distill.Cache;
using Distill.Models;
using Distill.Errors;

namespace Distill.TeacherCaching;

/// <summary>What an earlier run of the same job left in a cache directory: the shards to keep, and leftovers to remove.</summary>
internal static class CacheResume
{
    /// <summary>
    /// Shards recorded by an earlier run of the same job (progress file or finished manifest), kept only when
    /// the file is still there with the recorded size and SHA-256. A record of another teacher, data or spec,
    /// shard size included, is refused: its shards hold other features or values.
    /// </summary>
    public static async Task<Dictionary<string, CacheShardEntry>> KeptShardsAsync(string recorded, CacheManifest template, string outputDir,
        TextWriter log, CancellationToken cancellation)
    {
        var done = new Dictionary<string, CacheShardEntry>();
        if (!File.Exists(recorded)) return done;
        var previous = CacheManifest.Load(recorded);
        if (previous.Spec.RowsPerShard != template.Spec.RowsPerShard)
        {
            throw new ConfigException($"{outputDir} holds shards of {previous.Spec.RowsPerShard?.ToString() ?? "an unrecorded number of"} rows ({recorded}), "
                + $"this run cuts {template.Spec.RowsPerShard}: its shards would hold other features; rerun with --rows-per-shard {previous.Spec.RowsPerShard?.ToString() ?? "N"}, or use a new --out");
        }
        if (previous.Teacher.Identity != template.Teacher.Identity || previous.Data.Identity != template.Data.Identity
            || previous.Spec.ToJson() != template.Spec.ToJson())
        {
            throw new ConfigException($"{outputDir} holds a cache of another teacher, data set or spec ({recorded}); use a new --out, or delete it to start over");
        }
        var redone = new List<string>();
        foreach (var entry in previous.Shards)
        {
            var path = Path.Combine(outputDir, entry.File);
            if (File.Exists(path) && new FileInfo(path).Length == entry.Bytes
                && string.Equals((await ShardFile.MeasureAsync(path, cancellation)).Sha256, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            {
                done[entry.File] = entry;
            }
            else
            {
                redone.Add(entry.File);
            }
        }
        log.WriteLine($"cache: resuming; {done.Count} complete shards kept"
            + (redone.Count > 0 ? $", {redone.Count} missing or changed since they were recorded, redone: {string.Join(", ", redone)}" : ""));
        return done;
    }

    /// <summary>
    /// Removes what a killed run of this job left behind: its shards' temporary files, the files of shards to
    /// be redone (renamed into place but never recorded), and temporary copies of its progress file and manifest.
    /// Other jobs' files are left alone: they may be writing into the same directory right now.
    /// </summary>
    public static void RemoveLeftovers(string outputDir, IEnumerable<string> shardsToWrite, IEnumerable<string> jobFiles, TextWriter log)
    {
        var leftovers = new List<string>();
        foreach (var shard in shardsToWrite)
        {
            leftovers.AddRange(Directory.EnumerateFiles(outputDir, $".{shard}*.tmp"));
            var unrecorded = Path.Combine(outputDir, shard);
            if (File.Exists(unrecorded)) leftovers.Add(unrecorded);
        }
        foreach (var file in jobFiles)
        {
            leftovers.AddRange(Directory.EnumerateFiles(outputDir, $"{Path.GetFileName(file)}.tmp-*"));
        }
        foreach (var path in leftovers) File.Delete(path);
        if (leftovers.Count > 0) log.WriteLine($"cache: removed {leftovers.Count} files left by an interrupted run: {string.Join(", ", leftovers.Select(Path.GetFileName))}");
    }
}
