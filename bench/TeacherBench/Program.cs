using System.Diagnostics;
using System.Globalization;
using Distill.Cache;
using Distill.Data;
using Distill.Models;
using Distill.Runtime;
using Distill.Tasks;
using Distill.TeacherBench;
using Distill.Teachers;
using static TorchSharp.torch;
using Distill.TeacherCaching;

// Measures cache-teacher on a real teacher and data set. Plain lines; MB = 10^6 bytes.
// Usage: teacher-bench TEACHER_DIR DATA_FILE ENCODER_DIR [threads] [rounds]
//   TEACHER_DIR  a trained classification model (e.g. pipelines/.runs/teachers/sentiment/best)
//   ENCODER_DIR  a base encoder for the top-k example (e.g. pipelines/.runs/teachers/minilm)
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: teacher-bench TEACHER_DIR DATA_FILE ENCODER_DIR [threads] [rounds]");
    return 2;
}
var (teacherDir, dataFile, encoderDir) = (args[0], args[1], args[2]);
var threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
var rounds = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 2;
TorchRuntime.Initialize(threads);
var work = Directory.CreateTempSubdirectory("teacher-bench-").FullName;
int[] layers = [0, 2, 4, 6];
var settings = new TaskDataSettings(128, new DataReadOptions());

try
{
    // 1. The teacher's forward passes alone, batched exactly as cache-teacher batches them, float32 and bf16
    //    (cache-teacher run --bf16) interleaved in rounds; the best round of each (the machine may be shared).
    var (model, labels) = TaskModelDirectory.Load(teacherDir, TaskKind.Classification);
    var tokenizer = ModelDirectory.LoadTokenizer(teacherDir, model.Config);
    var data = TaskDataLoader.Load(TaskKind.Classification, dataFile, tokenizer, labels, settings);
    var request = new TeacherRequest(layers, [], Pooled: false);
    using var teacher = new TorchTeacher(model, labels.Count, tokenizer.PadId);
    var bf16Teacher = new TorchTeacher(model, labels.Count, tokenizer.PadId, bf16: true); // the same model: not disposed twice
    var plan = new ShardPlan(data.Features.Count, 1000, 1, 0);
    var batches = plan.ShardsOfJob.SelectMany(shard =>
    {
        var (start, count) = plan.Slice(shard);
        return data.Features.Skip(start).Take(count).OrderBy(f => f.Text.Length).Chunk(32);
    }).ToList();
    teacher.Run(data.Features.Take(32).ToList(), request); // warm-up
    bf16Teacher.Run(data.Features.Take(32).ToList(), request);
    var process = Process.GetCurrentProcess();
    var forward = new Dictionary<string, (double Wall, double Cpu)> { ["fp32"] = (double.MaxValue, double.MaxValue), ["bf16"] = (double.MaxValue, double.MaxValue) };
    for (var round = 0; round < rounds; round++)
    {
        foreach (var (name, which) in new[] { ("fp32", teacher), ("bf16", bf16Teacher) })
        {
            process.Refresh();
            var cpu = process.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            foreach (var batch in batches) which.Run(batch, request);
            process.Refresh();
            var (wall, used) = (clock.Elapsed.TotalSeconds, (process.TotalProcessorTime - cpu).TotalSeconds);
            forward[name] = (Math.Min(forward[name].Wall, wall), Math.Min(forward[name].Cpu, used));
        }
    }
    var rows = data.Features.Count;
    var tokens = data.Features.Sum(f => (long)f.Text.Length);
    Console.WriteLine($"data: {rows} examples, {tokens} tokens ({(double)tokens / rows:F1} per example); teacher {model.Config.NumHiddenLayers} layers, hidden {model.Config.HiddenSize}; {threads} thread(s); best of {rounds} round(s); load average {LoadAverage()}");
    foreach (var (name, (wall, cpu)) in forward)
    {
        Console.WriteLine($"teacher forward alone, {name}: {wall:F2} s ({rows / wall:F1} ex/s, {tokens / wall:F0} tok/s), {cpu:F2} CPU-s ({rows / cpu:F1} ex per CPU-s)");
    }
    Console.WriteLine($"bf16 forward throughput / fp32 (goal >= 1.5): {forward["fp32"].Wall / forward["bf16"].Wall:F2}x wall, {forward["fp32"].Cpu / forward["bf16"].Cpu:F2}x CPU time");

    // 2. cache-teacher run on the same data, per dtype and with the bf16 forward; the fp16 run gives the writer overhead.
    var sizes = new Dictionary<CacheDType, long>();
    var runs = new Dictionary<string, (CacheRunSummary Summary, double Cpu)>();
    foreach (var (dtype, bf16) in new[] { (CacheDType.Fp16, false), (CacheDType.Fp16, true), (CacheDType.Fp32, false), (CacheDType.Bf16, false) })
    {
        var dir = Path.Combine(work, bf16 ? $"{dtype}-bf16-teacher" : dtype.ToString());
        process.Refresh();
        var cpuBefore = process.TotalProcessorTime;
        var summary = await CacheRun.ExecuteAsync(new CacheRunOptions
        {
            Task = TaskKind.Classification, DataFile = dataFile, OutputDir = dir, ModelDir = teacherDir, Data = settings,
            HiddenLayers = layers, DType = dtype, Bf16 = bf16, Threads = threads,
        }, TextWriter.Null, isTerminal: false);
        process.Refresh();
        var cpuSeconds = (process.TotalProcessorTime - cpuBefore).TotalSeconds; // loading model and data included
        if (bf16)
        {
            runs["bf16"] = (summary, cpuSeconds);
            continue;
        }
        sizes[dtype] = CacheManifest.Load(Path.Combine(dir, CacheManifest.FileName)).Shards.Sum(s => s.Bytes);
        if (dtype == CacheDType.Fp16)
        {
            runs["fp32"] = (summary, cpuSeconds);
            var overhead = summary.ShardsElapsed.TotalSeconds / forward["fp32"].Wall - 1;
            Console.WriteLine($"cache-teacher run (fp16, layers 0,2,4,6): {summary.ShardsElapsed.TotalSeconds:F2} s teacher + writer; writer overhead {overhead:P1} (goal <= 5%)");
        }
    }
    foreach (var (name, (summary, cpu)) in runs)
    {
        Console.WriteLine($"cache-teacher run{(name == "bf16" ? " --bf16" : "")} (fp16 cache): {summary.Rows / summary.ShardsElapsed.TotalSeconds:F1} rows/s, "
            + $"{sizes[CacheDType.Fp16] / 1e6 / summary.ShardsElapsed.TotalSeconds:F1} MB/s; {cpu:F2} CPU-s with loading");
    }
    Console.WriteLine($"cache-teacher run --bf16 / fp32 throughput (goal >= 1.5): {runs["fp32"].Summary.ShardsElapsed.TotalSeconds / runs["bf16"].Summary.ShardsElapsed.TotalSeconds:F2}x wall, "
        + $"{runs["fp32"].Cpu / runs["bf16"].Cpu:F2}x CPU time");
    foreach (var (dtype, bytes) in sizes)
    {
        Console.WriteLine($"bytes per example, {dtype}: {bytes / rows} ({bytes / 1e6:F1} MB, {(double)bytes / sizes[CacheDType.Fp32]:F3} of fp32)");
    }

    // 3. The reader: checksum + decode, and the values against a fresh float32 forward pass, for both teachers.
    var read = Stopwatch.StartNew();
    var cached = await ReadAll(Path.Combine(work, CacheDType.Fp16.ToString()));
    read.Stop();
    Console.WriteLine($"reader (shuffled, fp16): {rows / read.Elapsed.TotalSeconds:F0} rows/s, {sizes[CacheDType.Fp16] / 1e6 / read.Elapsed.TotalSeconds:F0} MB/s of shard bytes");
    var bf16Cached = await ReadAll(Path.Combine(work, $"{CacheDType.Fp16}-bf16-teacher"));
    // fp16 distance in units in the last place: 0 means the cached value is the fresh value rounded to fp16;
    // 1 means a neighbour (the cache ran other batches, whose padding moves float32 results by ~1e-7).
    // For the bf16 teacher, each row's largest distance in bf16 unit roundoffs (u = 2^-8) of the row's largest value:
    // the measure of Bf16TeacherCacheTests, whose bound is 7n u for layer n (values near 0 have no relative error to speak of).
    long values = 0, exact = 0;
    var worstUlps = 0;
    var bf16Errors = new List<double>();
    foreach (var batch in data.Features.Take(256).Chunk(32))
    {
        var fresh = teacher.Run(batch, request);
        for (var i = 0; i < batch.Length; i++)
        for (var l = 0; l < layers.Length; l++)
        {
            var reference = fresh[i].Hidden[l];
            for (var v = 0; v < reference.Length; v++)
            {
                var ulps = Math.Abs(Ordered((Half)reference[v]) - Ordered((Half)cached[batch[i].FeatureId].Hidden[l][v]));
                worstUlps = Math.Max(worstUlps, ulps);
                exact += ulps == 0 ? 1 : 0;
                values++;
            }
            if (layers[l] > 0)
            {
                var error = reference.Zip(bf16Cached[batch[i].FeatureId].Hidden[l], (a, b) => Math.Abs(a - b)).Max();
                bf16Errors.Add(error / (Math.Pow(2, -8) * reference.Max(Math.Abs)));
            }
        }
    }
    Console.WriteLine($"values read back vs a fresh forward rounded to fp16 (256 examples, layers 0,2,4,6, {values} values): {(double)exact / values:P3} identical, at most {worstUlps} fp16 step(s) apart");
    bf16Errors.Sort();
    Console.WriteLine($"bf16 teacher's cached values (fp16) vs the fresh float32 forward, largest error per row and layer > 0 in u = 2^-8 of the row's largest value: "
        + $"median {bf16Errors[bf16Errors.Count / 2]:F2}, max {bf16Errors[^1]:F2} (fp16 storage alone: up to 0.125)");

    // 4. Top-k logits over a 30,522-word output, on real outputs: MiniLM's last and third hidden states
    //    against its word embeddings (a tied-embedding MLM decoder), teacher and student respectively.
    TopKExample.Print(encoderDir, dataFile, settings);
}
finally
{
    Directory.Delete(work, recursive: true);
}
return 0;

static async Task<Dictionary<string, CacheWriteRow>> ReadAll(string dir)
{
    var rows = new Dictionary<string, CacheWriteRow>();
    await using var reader = CacheReader.Open(dir, new CacheReaderOptions { Shuffle = true, Seed = 1 });
    await foreach (var row in reader.ReadAllAsync()) rows[row.FeatureId] = row.ToCacheRow();
    return rows;
}

static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

// fp16 bit patterns laid on one integer line, so that neighbours across zero are one step apart.
static int Ordered(Half value)
{
    int bits = BitConverter.HalfToUInt16Bits(value);
    return (bits & 0x8000) != 0 ? -(bits & 0x7FFF) : bits;
}
