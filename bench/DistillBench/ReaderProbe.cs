using System.Diagnostics;
using Distill.Cache;

namespace Distill.DistillBench;

/// <summary>One pass of the reader alone: rows, wall time and the process's CPU time during it.</summary>
/// <param name="Verified">whether the pass skipped the hash of shards an earlier pass had checked</param>
public sealed record ReaderPass(long Rows, long ShardBytes, double Seconds, double CpuSeconds, bool Verified)
{
    /// <summary>MB (10^6 bytes) of shard files per second of wall time: the reader reads on one background thread.</summary>
    public double MegabytesPerSecond => ShardBytes / 1e6 / Seconds;

    public double RowsPerSecond => Rows / Seconds;

    /// <summary>MB of shard files per CPU-second of the whole process (reading thread, consumer, GC): what a pass costs on a busy machine.</summary>
    public double MegabytesPerCpuSecond => ShardBytes / 1e6 / CpuSeconds;
}

/// <summary>
/// Times passes of <see cref="CacheReader"/> over the columns a distiller reads, shuffled as the feed reads, the
/// consumer only counting rows. The passes share one <see cref="VerifiedShards"/>, as a run's epochs do: the first
/// hashes every shard, later ones do not.
/// </summary>
public static class ReaderProbe
{
    public static async Task<IReadOnlyList<ReaderPass>> MeasureAsync(string cacheDir, IReadOnlyList<int> layers, int passes)
    {
        var shardBytes = CacheManifest.Load(Path.Combine(cacheDir, CacheManifest.FileName)).Shards.Sum(s => s.Bytes);
        var verified = new VerifiedShards();
        var results = new List<ReaderPass>();
        for (var pass = 0; pass < passes; pass++)
        {
            using var process = Process.GetCurrentProcess();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            long rows = 0;
            await using (var reader = CacheReader.Open(cacheDir, new CacheReaderOptions
            {
                Shuffle = true, Seed = pass + 1, Verified = verified,
                Columns = new CacheColumns { HiddenLayers = [.. layers], AttentionLayers = [], Pooled = false },
            }))
            {
                await foreach (var _ in reader.ReadAllAsync()) rows++;
            }
            clock.Stop();
            process.Refresh();
            results.Add(new ReaderPass(rows, shardBytes, clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds, Verified: pass > 0));
        }
        return results;
    }
}
