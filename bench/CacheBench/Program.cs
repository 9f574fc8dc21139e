using System.Diagnostics;
using System.Globalization;
using Distill.Cache;
using Distill.CacheBench;
using Parquet;

// Measures the cache format on synthetic rows shaped like a real cache. Plain lines, MB = 10^6 bytes.
// Usage: cache-bench [rows (default 2400)] [work directory (default: a temp folder)]
//        cache-bench reader [rows (default 4000)] [work directory]: the reader alone (see ReaderBench)
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args is ["reader", ..])
{
    await ReaderBench.RunAsync(args[1..]);
    return;
}
if (args is ["reader-measure", var mode, var directory])
{
    await ReaderBench.MeasureAsync(mode, directory);
    return;
}
int rowCount = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 2400;
var root = args.Length > 1 ? args[1] : Directory.CreateTempSubdirectory("cache-bench-").FullName;
try
{
    var spec = new CacheSpec
    {
        Task = "classification", LogitWidth = 2, HiddenLayers = [0, 2, 4, 6], HiddenSize = 384, Pooled = true,
    };
    var rows = Synthetic.Rows(spec, rowCount, seed: 1);
    long tokens = rows.Sum(r => (long)r.Length);
    long fp32Payload = rows.Sum(r => 4L * (r.Hidden.Sum(h => h.Length) + r.Pooled!.Length));
    Console.WriteLine($"rows {rowCount}, mean T {(double)tokens / rowCount:F1}, H {spec.HiddenSize}, hidden layers [{string.Join(",", spec.HiddenLayers)}] + pooled, {spec.LogitWidth} logits");
    Console.WriteLine($"raw float32 tensors: {fp32Payload / 1e6:F1} MB, {fp32Payload / rowCount} bytes per example");

    Console.WriteLine();
    var codec = new CacheWriterOptions().Compression;
    Console.WriteLine($"bytes per example (Parquet, codec {codec} for every column)");
    long fp32Bytes = 0;
    foreach (var dtype in new[] { CacheDType.Fp32, CacheDType.Fp16, CacheDType.Bf16 })
    {
        var bytes = (await Bench.WriteAsync(Path.Combine(root, $"size-{dtype}"), spec with { DType = dtype }, rows, codec)).Bytes;
        fp32Bytes = dtype == CacheDType.Fp32 ? bytes : fp32Bytes;
        Console.WriteLine($"  {dtype}: {bytes / rowCount} bytes/example, {bytes / 1e6:F1} MB, {(double)bytes / fp32Bytes:F3} of fp32");
    }

    Console.WriteLine();
    double payload = fp32Payload / 2 / 1e6;
    Console.WriteLine($"throughput, fp16, MB/s of the {payload:F1} MB fp16 tensor payload (write: rows in -> completed shard incl. fsync + SHA-256; "
        + "read: SHA-256 check + decode to float32 rows)");
    // Warm-up: JIT and file-system caches, so the first codec measured is not penalised.
    var warmUp = Path.Combine(root, "warm-up");
    await Bench.WriteAsync(warmUp, spec, rows.Take(200).ToArray(), CompressionMethod.Snappy);
    await Bench.ReadAsync(warmUp);
    await ArrowIpc.WriteAsync(warmUp + ".arrow", spec, rows.Take(200).ToArray());
    await ArrowIpc.ReadAsync(warmUp + ".arrow");
    foreach (var method in new[] { CompressionMethod.Snappy, CompressionMethod.Zstd, CompressionMethod.None })
    {
        var dir = Path.Combine(root, $"speed-{method}");
        var write = await Bench.WriteAsync(dir, spec, rows, method);
        var read = await Bench.ReadAsync(dir);
        Console.WriteLine($"  parquet {method}: {write.Bytes / 1e6:F1} MB on disk ({write.Bytes / 1e6 / payload:F3} of payload); "
            + $"write {payload / write.Seconds:F0} MB/s ({rowCount / write.Seconds:F0} rows/s); read {payload / read.Seconds:F0} MB/s ({read.Rows / read.Seconds:F0} rows/s)");
    }
    var arrowPath = Path.Combine(root, "arrow.arrow");
    var arrowWrite = await ArrowIpc.WriteAsync(arrowPath, spec, rows);
    var arrowRead = await ArrowIpc.ReadAsync(arrowPath);
    Console.WriteLine($"  arrow ipc (uncompressed, list<halffloat>, no checksum): {arrowWrite.Bytes / 1e6:F1} MB on disk; "
        + $"write {payload / arrowWrite.Seconds:F0} MB/s ({rowCount / arrowWrite.Seconds:F0} rows/s); read {payload / arrowRead.Seconds:F0} MB/s ({arrowRead.Rows / arrowRead.Seconds:F0} rows/s)");

    Console.WriteLine();
    const int vocab = 30522;
    var mlm = new CacheSpec { Task = "tagging", LogitWidth = vocab, TokenLevelLogits = true };
    var mlmRows = Synthetic.Rows(mlm, 16, seed: 2);
    long mlmTokens = mlmRows.Sum(r => (long)r.Length);
    Console.WriteLine($"top-k logits over a {vocab}-wide MLM row ({mlmRows.Length} rows, {mlmTokens} tokens, {codec})");
    long fullPerToken = 0;
    foreach (var k in new int?[] { null, 8, 32 })
    {
        var result = await Bench.WriteAsync(Path.Combine(root, $"mlm-{k}"), mlm with { TopK = k }, mlmRows, codec);
        long perToken = result.Bytes / mlmTokens;
        fullPerToken = k is null ? perToken : fullPerToken;
        var ratio = k is null ? "baseline" : $"{(double)fullPerToken / perToken:F0}x smaller than full fp32";
        Console.WriteLine($"  {(k is null ? "full fp32" : $"top-{k}")}: {perToken} bytes/token ({ratio}); write {mlmTokens / result.Seconds:F0} tokens/s");
    }
}
finally
{
    if (args.Length < 2)
    {
        Directory.Delete(root, recursive: true);
    }
}

namespace Distill.CacheBench
{
    internal static class Bench
    {
        public static async Task<(long Bytes, double Seconds)> WriteAsync(string directory, CacheSpec spec, IReadOnlyList<CacheWriteRow> rows, CompressionMethod codec)
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
            var clock = Stopwatch.StartNew();
            await using var writer = await CacheShardWriter.CreateAsync(directory, CacheShardNames.For(0), spec, new CacheWriterOptions { Compression = codec, TensorCompression = codec });
            foreach (var batch in rows.Chunk(32))
            {
                await writer.WriteAsync(batch);
            }
            var info = await writer.CompleteAsync();
            double seconds = clock.Elapsed.TotalSeconds;
            new CacheManifest
            {
                Teacher = new CacheTeacherInfo(new string('0', 64), []),
                Data = new CacheDataInfo(new string('0', 64), []),
                Spec = spec,
                Shards = [CacheShardEntry.From(info, 0)],
            }.Save(Path.Combine(directory, CacheManifest.FileName));
            return (info.Bytes, seconds);
        }

        public static async Task<(long Rows, double Seconds)> ReadAsync(string directory)
        {
            var clock = Stopwatch.StartNew();
            long rows = 0;
            await using var reader = CacheReader.Open(directory);
            await foreach (var _ in reader.ReadAllAsync())
            {
                rows++;
            }
            return (rows, clock.Elapsed.TotalSeconds);
        }
    }

    internal static class Synthetic
    {
        /// <summary>
        /// Rows of 30–50 tokens; every tensor value drawn afresh (roughly standard normal: a sum of four
        /// uniforms), so that no codec finds repeats that real activations would not have.
        /// </summary>
        public static CacheWriteRow[] Rows(CacheSpec spec, int count, int seed)
        {
            var random = new Random(seed);
            ulong state = (ulong)seed * 0x9E3779B97F4A7C15UL + 1;
            float Uniform()
            {
                // xorshift64: far cheaper than Random for the ~150 million values of a full run.
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                return (state >> 40) * (1f / (1 << 24));
            }
            float[] Values(long n)
            {
                var values = new float[n];
                for (long i = 0; i < n; i++)
                {
                    values[i] = (Uniform() + Uniform() + Uniform() + Uniform() - 2f) * 1.7320508f;
                }
                return values;
            }
            return Enumerable.Range(0, count).Select(i =>
            {
                int t = random.Next(30, 51);
                return new CacheWriteRow(
                    $"train-{i}", $"train-{i}",
                    Enumerable.Range(0, t).Select(_ => random.Next(1000, 30000)).ToArray(),
                    Enumerable.Range(0, 2 * t).Select(j => 3 * j).ToArray(),
                    Enumerable.Range(0, t).Select(j => j == 0 || j == t - 1 ? -1 : 0).ToArray(),
                    Values((long)spec.Positions(t) * spec.LogitWidth),
                    spec.HiddenLayers.Select(_ => Values((long)t * spec.HiddenSize)).ToArray(),
                    [],
                    spec.Pooled ? Values(spec.HiddenSize) : null);
            }).ToArray();
        }
    }
}
