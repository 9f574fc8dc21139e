using System.Diagnostics;
using System.Globalization;
using Distill.Cache;
using Parquet;

namespace Distill.CacheBench;

/// <summary>
/// The reader alone on a realistic cache: 4 hidden layers of 384 at 30–50 tokens, fp16, shards of 1000 rows
/// (cache-teacher's default). Each measurement runs in a fresh process, so peaks are its own; MB = 10^6 bytes
/// of shard files. One reading thread (the reader's background task) plus a consumer that only counts. The same rows
/// are written twice: tensor columns uncompressed (the default) and zstd-compressed (the default before), side by side.
/// Usage: cache-bench reader [rows (default 4000)] [work directory]
/// </summary>
internal static class ReaderBench
{
    private static readonly CacheSpec Spec = new()
    {
        Task = "classification", LogitWidth = 2, HiddenLayers = [0, 2, 4, 6], HiddenSize = 384, DType = CacheDType.Fp16,
    };

    public static async Task RunAsync(string[] args)
    {
        int rows = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 4000;
        var root = args.Length > 1 ? args[1] : Directory.CreateTempSubdirectory("cache-bench-reader-").FullName;
        try
        {
            var one = Path.Combine(root, "x1");
            var zstd = Path.Combine(root, "x1-zstd");
            var ten = Path.Combine(root, "x10");
            var clock = Stopwatch.StartNew();
            var manifest = await BuildAsync(one, rows, CompressionMethod.None);
            var zstdManifest = await BuildAsync(zstd, rows, CompressionMethod.Zstd);
            Replicate(one, ten, manifest, 10);
            long bytes = manifest.Shards.Sum(s => s.Bytes), zstdBytes = zstdManifest.Shards.Sum(s => s.Bytes);
            Console.WriteLine($"cache: {rows} rows, {manifest.Shards.Count} shards, {bytes / 1e6:F1} MB ({bytes / rows} bytes/row) with uncompressed tensors (default), "
                + $"{zstdBytes / 1e6:F1} MB ({(double)zstdBytes / bytes:F3}x) with zstd tensors; built in {clock.Elapsed.TotalSeconds:F0} s; 10x copy beside it");
            Console.WriteLine("reader, MB/s of shard bytes per reading thread (goal >= 1000), uncompressed tensors | zstd tensors:");
            foreach (var mode in new[] { "read", "read-verified", "read-shuffled", "read-decode" })
            {
                Console.WriteLine($"  {mode,-14} {Child(mode, one)}");
                Console.WriteLine($"  {"",-14} {Child(mode, zstd)}  (zstd)");
            }
            foreach (var mode in new[] { "hash", "parquet", "read-floats" })
            {
                Console.WriteLine($"  {mode,-14} {Child(mode, one)}");
            }
            Console.WriteLine("peak memory, shuffled with the default buffer (CacheReaderOptions.ShuffleBufferBytes), same options:");
            Console.WriteLine($"  x1  {Child("read-shuffled", one)}");
            Console.WriteLine($"  x10 {Child("read-shuffled", ten)}");
        }
        finally
        {
            if (args.Length < 2)
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    /// <summary>One measurement in this (fresh) process; prints one line.</summary>
    public static async Task MeasureAsync(string mode, string directory)
    {
        using var peak = new PeakMemory();
        var options = new CacheReaderOptions();
        var manifest = CacheManifest.Load(Path.Combine(directory, CacheManifest.FileName));
        long bytes = manifest.Shards.Sum(s => s.Bytes);
        if (mode == "read-verified")
        {
            // A run's later epochs: the first pass hashes the shards, the timed second one does not.
            var verified = new VerifiedShards();
            await ReadAsync(directory, new CacheReaderOptions { Verified = verified }, decode: 0);
            mode = "read";
            options = new CacheReaderOptions { Verified = verified };
        }
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        long rows = mode switch
        {
            "hash" => Hash(directory, manifest),
            "parquet" => await ParquetOnlyAsync(directory, manifest),
            "read" => await ReadAsync(directory, options, decode: 0),
            "read-shuffled" => await ReadAsync(directory, new CacheReaderOptions { Shuffle = true, Seed = 1 }, decode: 0),
            "read-decode" => await ReadAsync(directory, new CacheReaderOptions(), decode: 1),
            "read-floats" => await ReadAsync(directory, new CacheReaderOptions(), decode: 2),
            _ => throw new ArgumentException($"unknown mode {mode}; known: hash, parquet, read, read-verified, read-shuffled, read-decode, read-floats"),
        };
        double seconds = clock.Elapsed.TotalSeconds;
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpu).TotalSeconds;
        var (anon, hwm) = peak.Stop();
        Console.WriteLine($"{rows / seconds,8:F0} rows/s {bytes / 1e6 / seconds,7:F0} MB/s of shard bytes ({bytes / 1e6 / cpuSeconds,5:F0} MB per CPU-second); "
            + $"peak anonymous RSS (managed + native) {anon / 1e6:F0} MB, VmHWM incl. mapped file pages {hwm / 1e6:F0} MB");
    }

    private static long Hash(string directory, CacheManifest manifest)
    {
        foreach (var entry in manifest.Shards)
        {
            using var shard = MappedShard.Open(Path.Combine(directory, entry.File), entry.Bytes);
            if (shard.Sha256() != entry.Sha256)
            {
                throw new InvalidOperationException($"{entry.File}: checksum differs");
            }
        }
        return manifest.TotalRows;
    }

    /// <summary>Parquet's share: open each mapped shard and read every column's values, copying and checking nothing.</summary>
    private static async Task<long> ParquetOnlyAsync(string directory, CacheManifest manifest)
    {
        foreach (var entry in manifest.Shards)
        {
            using var shard = MappedShard.Open(Path.Combine(directory, entry.File), entry.Bytes);
            await using var reader = await ParquetReader.CreateAsync(shard.OpenStream());
            foreach (int g in Enumerable.Range(0, reader.RowGroupCount))
            {
                using var group = reader.OpenRowGroupReader(g);
                int count = checked((int)group.RowCount);
                foreach (var field in reader.Schema.GetDataFields().Where(f => f.ClrType == typeof(byte[]) || f.ClrType == typeof(ReadOnlyMemory<byte>)))
                {
                    await group.ReadRawAsync(field, new ReadOnlyMemory<byte>[count].AsMemory(), null, null);
                }
            }
        }
        return manifest.TotalRows;
    }

    /// <summary>decode 0: rows as yielded; 1: every tensor decoded into one reused float32 buffer; 2: ToCacheRow (the old reader's float rows).</summary>
    private static async Task<long> ReadAsync(string directory, CacheReaderOptions options, int decode)
    {
        long rows = 0;
        var floats = new float[64 * 384];
        await using var reader = CacheReader.Open(directory, options);
        await foreach (var row in reader.ReadAllAsync())
        {
            rows++;
            if (decode == 1)
            {
                foreach (var tensor in row.Hidden)
                {
                    tensor.DecodeInto(floats.AsSpan(0, tensor.Count));
                }
            }
            else if (decode == 2)
            {
                GC.KeepAlive(row.ToCacheRow());
            }
        }
        return rows;
    }

    private static async Task<CacheManifest> BuildAsync(string directory, int rows, CompressionMethod tensorCompression)
    {
        Directory.CreateDirectory(directory);
        var shards = new List<CacheShardEntry>();
        for (int start = 0, index = 0; start < rows; start += 1000, index++)
        {
            await using var writer = await CacheShardWriter.CreateAsync(directory, CacheShardNames.For(index), Spec, new CacheWriterOptions { TensorCompression = tensorCompression });
            for (int chunk = start; chunk < Math.Min(rows, start + 1000); chunk += 100)
            {
                // Generated a chunk at a time: a 10x cache of float32 rows would not fit in memory.
                var part = Synthetic.Rows(Spec, Math.Min(100, rows - chunk), seed: chunk + 1)
                    .Select((r, i) => r with { FeatureId = $"train-{chunk + i}", ExampleId = $"train-{chunk + i}" }).ToArray();
                await writer.WriteAsync(part);
            }
            shards.Add(CacheShardEntry.From(await writer.CompleteAsync(), 0));
        }
        var manifest = new CacheManifest
        {
            Teacher = new CacheTeacherInfo(new string('0', 64), []),
            Data = new CacheDataInfo(new string('0', 64), []),
            Spec = Spec,
            Shards = shards,
        };
        manifest.Save(Path.Combine(directory, CacheManifest.FileName));
        return manifest;
    }

    /// <summary>A cache of <paramref name="copies"/> × the rows: each shard copied under new names (same bytes, same checksums).</summary>
    private static void Replicate(string from, string to, CacheManifest manifest, int copies)
    {
        Directory.CreateDirectory(to);
        var shards = new List<CacheShardEntry>();
        for (int copy = 0; copy < copies; copy++)
        {
            foreach (var entry in manifest.Shards)
            {
                var name = CacheShardNames.For(shards.Count);
                File.Copy(Path.Combine(from, entry.File), Path.Combine(to, name));
                shards.Add(entry with { File = name });
            }
        }
        (manifest with { Shards = shards }).Save(Path.Combine(to, CacheManifest.FileName));
    }

    private static string Child(string mode, string directory)
    {
        // Run as `dotnet cache-bench.dll` or as the apphost; either way the same entry point.
        var start = new ProcessStartInfo(Environment.ProcessPath!) { RedirectStandardOutput = true };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(typeof(ReaderBench).Assembly.Location);
        }
        foreach (var arg in new[] { "reader-measure", mode, directory })
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : $"failed ({process.ExitCode}): {output}";
    }

    /// <summary>Samples /proc/self/status every 5 ms: the peak of RssAnon (managed heap + native), and VmHWM.</summary>
    private sealed class PeakMemory : IDisposable
    {
        private readonly Timer _timer;
        private long _anon;

        public PeakMemory() => _timer = new Timer(_ => Sample(), null, 0, 5);

        public (long Anon, long HighWater) Stop()
        {
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
            Sample();
            return (Interlocked.Read(ref _anon), Field("VmHWM:"));
        }

        public void Dispose() => _timer.Dispose();

        private void Sample()
        {
            long anon = Field("RssAnon:");
            long seen;
            while (anon > (seen = Interlocked.Read(ref _anon)) && Interlocked.CompareExchange(ref _anon, anon, seen) != seen)
            {
            }
        }

        private static long Field(string name)
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(name, StringComparison.Ordinal))
                {
                    return 1024 * long.Parse(line[name.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
            return 0;
        }
    }
}
