using System.Diagnostics;
using System.Globalization;
using Distill.Cache;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using Distill.Runtime;
using static TorchSharp.torch;
using Distill.Tasks;

namespace Distill.DistillBench;

/// <summary>What one child process measured while streaming a cache once.</summary>
public sealed record MemoryResult(long Rows, long PeakWorkingSet, long PeakManaged, double Seconds);

/// <summary>
/// Peak memory of streaming one epoch of teacher batches, measured in a child process per cache so that one
/// measurement's peak cannot hide in the other's. The child reads with <see cref="CacheReader"/> directly (shuffled,
/// as the feed reads) and builds each batch's teacher tensors, but does not join rows to the student's features:
/// the 10x cache repeats feature ids, and the join is a fixed-size dictionary either way.
/// </summary>
public static class MemoryProbe
{
    /// <summary>The hidden first argument that makes the bench a memory child.</summary>
    public const string Mode = "--memory-child";

    /// <summary>Runs this executable as a child over <paramref name="cacheDir"/> and parses its one line of figures.</summary>
    public static MemoryResult Run(string cacheDir, IReadOnlyList<int> layers, int batchSize)
    {
        var self = Environment.ProcessPath ?? throw new InvalidOperationException("the bench cannot find its own executable");
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, UseShellExecute = false };
        // Launched through the dotnet host (not the apphost), the child needs the assembly path first.
        if (Path.GetFileNameWithoutExtension(self) == "dotnet") start.ArgumentList.Add(typeof(MemoryProbe).Assembly.Location);
        foreach (var arg in new[] { Mode, cacheDir, string.Join(",", layers), batchSize.ToString(CultureInfo.InvariantCulture) }) start.ArgumentList.Add(arg);
        using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {self}");
        var line = child.StandardOutput.ReadToEnd().Trim();
        child.WaitForExit();
        if (child.ExitCode != 0) throw new InvalidOperationException($"memory child over {cacheDir} exited {child.ExitCode}: {line}");
        var f = line.Split(' ');
        return new MemoryResult(long.Parse(f[0], CultureInfo.InvariantCulture), long.Parse(f[1], CultureInfo.InvariantCulture),
            long.Parse(f[2], CultureInfo.InvariantCulture), double.Parse(f[3], CultureInfo.InvariantCulture));
    }

    /// <summary>The child: one shuffled pass in batches, then "rows peak_working_set peak_managed seconds" on stdout.</summary>
    public static async Task<int> Child(string[] args)
    {
        TorchRuntime.Initialize(1);
        var (cacheDir, layers, batchSize) = (args[1], args[2].Split(',').Select(int.Parse).ToList(), int.Parse(args[3], CultureInfo.InvariantCulture));
        var clock = Stopwatch.StartNew();
        long rows = 0, peakManaged = 0;
        await using (var reader = CacheReader.Open(cacheDir, new CacheReaderOptions
        {
            Shuffle = true, Seed = 1, Columns = new CacheColumns { HiddenLayers = layers, AttentionLayers = [], Pooled = false },
        }))
        {
            foreach (var chunk in reader.ReadAllAsync().ToBlockingEnumerable().Chunk(batchSize))
            {
                using (NewDisposeScope())
                {
                    TeacherTensors.Build(chunk, reader.Spec, reader.Columns, TaskKind.Classification);
                }
                rows += chunk.Length;
                // Sampled once a batch: the managed heap between batches, where the feed hands a batch to the loop.
                peakManaged = Math.Max(peakManaged, GC.GetTotalMemory(forceFullCollection: false));
            }
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rows} {Process.GetCurrentProcess().PeakWorkingSet64} {peakManaged} {clock.Elapsed.TotalSeconds:F2}"));
        return 0;
    }

    /// <summary>
    /// A cache of <paramref name="times"/> links to every shard of <paramref name="source"/>, under new shard names,
    /// with a manifest listing them all (same teacher, data and spec; the rows repeat). Symbolic links, not copies:
    /// the reader reads a link's target like a file, and a 10x copy of a real cache is gigabytes of a shared disk.
    /// </summary>
    public static void Replicate(string source, string target, int times)
    {
        Directory.CreateDirectory(target);
        var manifest = CacheManifest.Load(Path.Combine(source, CacheManifest.FileName));
        var shards = new List<CacheShardEntry>();
        for (var copy = 0; copy < times; copy++)
        {
            foreach (var shard in manifest.Shards)
            {
                var name = CacheShardNames.For(shards.Count);
                File.CreateSymbolicLink(Path.Combine(target, name), Path.GetFullPath(Path.Combine(source, shard.File)));
                shards.Add(shard with { File = name, ShardIndex = 0 });
            }
        }
        (manifest with { Shards = shards, NumShards = null, ShardIndex = null }).Save(Path.Combine(target, CacheManifest.FileName));
    }
}
