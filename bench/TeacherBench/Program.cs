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
// Usage: teacher-bench TEACHER_DIR DATA_FILE ENCODER_DIR [threads]
//   TEACHER_DIR  a trained classification model (e.g. pipelines/.runs/teachers/sentiment/best)
//   ENCODER_DIR  a base encoder for the top-k example (e.g. pipelines/.runs/teachers/minilm)
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length < 3)
{
    Console.Error.WriteLine("usage: teacher-bench TEACHER_DIR DATA_FILE ENCODER_DIR [threads]");
    return 2;
}
var (teacherDir, dataFile, encoderDir) = (args[0], args[1], args[2]);
var threads = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 1;
TorchRuntime.Initialize(threads);
var work = Directory.CreateTempSubdirectory("teacher-bench-").FullName;
int[] layers = [0, 2, 4, 6];
var settings = new TaskDataSettings(128, new DataReadOptions());

try
{
    // 1. The teacher's forward passes alone, batched exactly as cache-teacher batches them.
    var (model, labels) = TaskModelDirectory.Load(teacherDir, TaskKind.Classification);
    var tokenizer = ModelDirectory.LoadTokenizer(teacherDir, model.Config);
    var data = TaskDataLoader.Load(TaskKind.Classification, dataFile, tokenizer, labels, settings);
    var request = new TeacherRequest(layers, [], Pooled: false);
    using var teacher = new TorchTeacher(model, labels.Count, tokenizer.PadId);
    var plan = new ShardPlan(data.Features.Count, 1000, 1, 0);
    teacher.Run(data.Features.Take(32).ToList(), request); // warm-up
    var forward = Stopwatch.StartNew();
    foreach (var shard in plan.ShardsOfJob)
    {
        var (start, count) = plan.Slice(shard);
        foreach (var batch in data.Features.Skip(start).Take(count).OrderBy(f => f.Text.Length).Chunk(32)) teacher.Run(batch, request);
    }
    forward.Stop();
    var rows = data.Features.Count;
    var tokens = data.Features.Sum(f => (long)f.Text.Length);
    Console.WriteLine($"data: {rows} examples, {tokens} tokens ({(double)tokens / rows:F1} per example); teacher {model.Config.NumHiddenLayers} layers, hidden {model.Config.HiddenSize}; {threads} thread(s)");
    Console.WriteLine($"teacher forward alone: {forward.Elapsed.TotalSeconds:F2} s ({rows / forward.Elapsed.TotalSeconds:F1} ex/s, {tokens / forward.Elapsed.TotalSeconds:F0} tok/s)");

    // 2. cache-teacher run on the same data, per dtype; the fp16 run gives the writer overhead.
    var sizes = new Dictionary<CacheDType, long>();
    foreach (var dtype in new[] { CacheDType.Fp16, CacheDType.Fp32, CacheDType.Bf16 })
    {
        var dir = Path.Combine(work, dtype.ToString());
        var summary = await CacheRun.ExecuteAsync(new CacheRunOptions
        {
            Task = TaskKind.Classification, DataFile = dataFile, OutputDir = dir, ModelDir = teacherDir, Data = settings,
            HiddenLayers = layers, DType = dtype, Threads = threads,
        }, TextWriter.Null, isTerminal: false);
        sizes[dtype] = CacheManifest.Load(Path.Combine(dir, CacheManifest.FileName)).Shards.Sum(s => s.Bytes);
        if (dtype == CacheDType.Fp16)
        {
            var overhead = summary.ShardsElapsed.TotalSeconds / forward.Elapsed.TotalSeconds - 1;
            Console.WriteLine($"cache-teacher run (fp16, layers 0,2,4,6): {summary.ShardsElapsed.TotalSeconds:F2} s teacher + writer; writer overhead {overhead:P1} (goal <= 5%)");
        }
    }
    foreach (var (dtype, bytes) in sizes)
    {
        Console.WriteLine($"bytes per example, {dtype}: {bytes / rows} ({bytes / 1e6:F1} MB, {(double)bytes / sizes[CacheDType.Fp32]:F3} of fp32)");
    }

    // 3. The reader: checksum + decode, and the values against a fresh forward pass.
    var fp16Dir = Path.Combine(work, CacheDType.Fp16.ToString());
    var read = Stopwatch.StartNew();
    var cached = new Dictionary<string, CacheWriteRow>();
    await using (var reader = CacheReader.Open(fp16Dir, new CacheReaderOptions { Shuffle = true, Seed = 1 }))
    {
        await foreach (var row in reader.ReadAllAsync()) cached[row.FeatureId] = row.ToCacheRow();
    }
    read.Stop();
    Console.WriteLine($"reader (shuffled, fp16): {rows / read.Elapsed.TotalSeconds:F0} rows/s, {sizes[CacheDType.Fp16] / 1e6 / read.Elapsed.TotalSeconds:F0} MB/s of shard bytes");
    // fp16 distance in units in the last place: 0 means the cached value is the fresh value rounded to fp16;
    // 1 means a neighbour (the cache ran other batches, whose padding moves float32 results by ~1e-7).
    long values = 0, exact = 0;
    var worstUlps = 0;
    foreach (var batch in data.Features.Take(256).Chunk(32))
    {
        var fresh = teacher.Run(batch, request);
        for (var i = 0; i < batch.Length; i++)
        for (var l = 0; l < layers.Length; l++)
        for (var v = 0; v < fresh[i].Hidden[l].Length; v++)
        {
            var ulps = Math.Abs(Ordered((Half)fresh[i].Hidden[l][v]) - Ordered((Half)cached[batch[i].FeatureId].Hidden[l][v]));
            worstUlps = Math.Max(worstUlps, ulps);
            exact += ulps == 0 ? 1 : 0;
            values++;
        }
    }
    Console.WriteLine($"values read back vs a fresh forward rounded to fp16 (256 examples, layers 0,2,4,6, {values} values): {(double)exact / values:P3} identical, at most {worstUlps} fp16 step(s) apart");

    // 4. Top-k logits over a 30,522-word output, on real outputs: MiniLM's last and third hidden states
    //    against its word embeddings (a tied-embedding MLM decoder), teacher and student respectively.
    TopKExample.Print(encoderDir, dataFile, settings);
}
finally
{
    Directory.Delete(work, recursive: true);
}
return 0;

// fp16 bit patterns laid on one integer line, so that neighbours across zero are one step apart.
static int Ordered(Half value)
{
    int bits = BitConverter.HalfToUInt16Bits(value);
    return (bits & 0x8000) != 0 ? -(bits & 0x7FFF) : bits;
}
