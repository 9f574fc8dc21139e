using System.Diagnostics;
using System.Globalization;
using Distill.Cache;
using Distill.DistillStudent.Configuration;
using Distill.DistillBench;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Models;
using Distill.Runtime;
using Distill.Teachers;
using static TorchSharp.torch;
using Distill.Tasks;

// Measures a distillation step against the student-only step (in fp32 and in bf16), cached teacher vs online teacher, on one student
// and one data set in one process, plus the cache reader alone and the feed's memory at 1x and 10x the cache.
// Plain lines; MB = 10^6 bytes.
// With --onnx FILE (the teacher exported by export-onnx --hidden-state) it compares the online teachers instead: the
// matches keep the teacher layers that graph outputs (its last hidden state), 3b times the ONNX teacher online, and
// 4-6 are left out.
// --rounds R repeats 1-3 R times, interleaved (medians printed: a shared machine's load moves between runs); --quick
// stops after 3 (the step ratios, the optimizer's share and TextBrewer's step).
// Usage: distill-bench STUDENT_DIR TEACHER_DIR CACHE_DIR DATA_FILE [--steps 20] [--rounds 2] [--quick] [--threads 1] [--onnx FILE]
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
if (args.Length > 0 && args[0] == MemoryProbe.Mode) return await MemoryProbe.Child(args);
if (args.Length < 4)
{
    Console.Error.WriteLine("usage: distill-bench STUDENT_DIR TEACHER_DIR CACHE_DIR DATA_FILE [--steps 20] [--rounds 2] [--quick] [--threads 1] [--onnx FILE]");
    return 2;
}
var (studentDir, teacherDir, cacheDir, dataFile) = (args[0], args[1], args[2], args[3]);
var steps = Option("--steps", 20);
var rounds = Option("--rounds", 2);
var quick = args.Contains("--quick");
var threads = Option("--threads", 1);
var onnxAt = Array.IndexOf(args, "--onnx");
var onnxFile = onnxAt >= 0 && onnxAt + 1 < args.Length ? args[onnxAt + 1] : null;
const int WarmupSteps = 3;
const int OptimizerSteps = 5;
const int RecipeEpochs = 30;
const int ReaderPasses = 3;
TorchRuntime.Initialize(threads);
var work = Directory.CreateTempSubdirectory("distill-bench-").FullName;

// kd ce at T=8 plus hidden_mse on T0-S0, T3-S1, T6-S2 (teacher 6 layers, student 2, both 384 wide: no projection);
// with --onnx, T6-S2 only.
(int T, int S)[] matchedLayers = onnxFile is null ? [(0, 0), (3, 1), (6, 2)] : [(6, 2)];
var distillationJson = $$"""
{
  "temperature": 8,
  "kd_loss_type": "ce",
  "kd_loss_weight": 1,
  "hard_label_weight": 0,
  "intermediate_matches": [{{string.Join(", ", matchedLayers.Select(m => $$"""{ "layer_T": {{m.T}}, "layer_S": {{m.S}}, "feature": "hidden", "loss": "hidden_mse", "weight": 1 }"""))}}]
}
""";

try
{
    var distillationPath = Path.Combine(work, "distillation.json");
    File.WriteAllText(distillationPath, distillationJson);
    // One epoch of (warm-up + timed + 1) batches; the checkpoint after the last step falls outside the timed window
    // (see StepClock), and there is no dev file, so no evaluation runs.
    var training = new TrainingConfig
    {
        Task = "classification", Model = studentDir, TrainFile = dataFile, OutputDir = work, MaxSeqLength = 64, BatchSize = 32,
        NumEpochs = 1, Threads = threads,
    }.Validate("bench training config");

    manual_seed(training.Seed);
    using var student = TaskStudent.Load(training, TextWriter.Null);
    var kind = training.TaskKind;
    var teacherLayers = BertConfig.Load(Path.Combine(teacherDir, ModelDirectory.ConfigFile)).NumHiddenLayers;
    var distillation = DistillationConfig.Load(distillationPath)
        .Validate("bench distillation config", Distill.DistillStudent.Registry.ComponentRegistry.Catalog, studentLayers: student.Model.Layers, teacherLayers: [teacherLayers]);
    CacheChecks.Check(cacheDir, CacheManifest.Load(Path.Combine(cacheDir, CacheManifest.FileName)), training, distillation, student.Train);
    var rows = student.Train.Features.Count;
    var epochSteps = (rows + training.BatchSize - 1) / training.BatchSize;
    var readLayers = distillation.TeacherHiddenLayers();
    Console.WriteLine($"data: {rows} examples, {epochSteps} steps per epoch (batch {training.BatchSize}, max_seq_length {training.MaxSeqLength}); "
        + $"student {student.Model.Layers} layers, teacher {teacherLayers} layers, hidden {student.Model.HiddenSize}; {threads} thread(s)");
    Console.WriteLine($"timing: {steps} steps after {WarmupSteps} warm-up steps, measured from the request of the first timed batch to the request of the batch after "
        + $"the last (batch production + forward + loss + backward + clip + AdamW), final checkpoint excluded; {rounds} round(s) of one run per mode in the order 1, 2, 3");

    StepTiming Time(string name, Func<TrainerOutput, TrainerBase> trainer, IBatchFeed feed)
    {
        var output = new TrainerOutput(Path.Combine(work, name), TextWriter.Null, IsTerminal: false);
        var clock = new StepClock(feed, training.BatchSize, WarmupSteps, steps);
        trainer(output).Train(clock);
        return clock.Result();
    }

    // 1-3 in rounds: each round times the student alone, the cached teacher and the online teacher one after the other,
    // so that a ratio compares steps measured minutes apart at most; the medians over rounds are printed.
    var cachedFeed = new CachedTeacherFeed([new TeacherCache(cacheDir, readLayers, distillation.TeacherAttentionLayers())], student.Train.Features, kind,
        student.Tokenizer.PadId, training.BatchSize, training.Seed);
    var (teacherModel, _) = TaskModelDirectory.Load(teacherDir, kind, student.Labels);
    using (teacherModel)
    {
        var bf16Training = training with { Bf16 = true };
        // Two cores (issue 20 §6): LibTorch's intra-op threads for the products, and the next batch built on another
        // thread while the step runs where a core is left for it (TrainerBase.PrefetchesByDefault; 2d forces it on).
        var twoThreads = training with { Threads = 2 };
        var basics = new List<StepTiming>();
        var bf16s = new List<StepTiming>();
        var cacheds = new List<StepTiming>();
        var onlines = new List<StepTiming>();
        var basics2 = new List<StepTiming>();
        var cacheds2 = new List<StepTiming>();
        var cachedsPrefetched2 = new List<StepTiming>();
        for (var round = 0; round < rounds; round++)
        {
            // 1. Student alone (BasicTrainer's objective: the model's hard-label loss).
            var basic = Time($"basic{round}", o => new BasicTrainer(training, student.Adapted(), o), student.Feed());
            // 1b. The same in bf16 mixed precision ("bf16": true).
            var bf16 = Time($"bf16-{round}", o => new BasicTrainer(bf16Training, student.Adapted(), o), student.Feed());
            // 2. Cached teacher: batches joined to the cache's rows, only the layers the matches read.
            var cached = Time($"cached{round}", o => new GeneralDistiller(training, distillation, student.Adapted(), new CachedTeacher(), o), cachedFeed);
            // 3. Online teacher: the teacher model runs on every batch.
            var online = onnxFile is not null ? null
                : Time($"online{round}", o => new GeneralDistiller(training, distillation, student.Adapted(), new OnlineTeacher(BertAdaptor.For(teacherModel, false)), o), student.Feed());
            // 1c, 2c. The same at --threads 2.
            var basic2 = Time($"basic2-{round}", o => new BasicTrainer(twoThreads, student.Adapted(), o), student.Feed());
            var cached2 = Time($"cached2-{round}", o => new GeneralDistiller(twoThreads, distillation, student.Adapted(), new CachedTeacher(), o), cachedFeed);
            // 2d. The same with the next batch built on a background thread, whether or not a core is left for it.
            var cachedPrefetched2 = Time($"cached2-prefetched-{round}", o => new GeneralDistiller(twoThreads, distillation, student.Adapted(), new CachedTeacher(), o) { PrefetchBatches = true }, cachedFeed);
            basics2.Add(basic2);
            cacheds2.Add(cached2);
            cachedsPrefetched2.Add(cachedPrefetched2);
            Console.WriteLine($"   round {round + 1}: 2 threads: student-only {Format(basic2)} = {basic.MsPerStep / basic2.MsPerStep:F3}x faster than {threads}; "
                + $"cached {Format(cached2)} = {cached.MsPerStep / cached2.MsPerStep:F3}x faster; cached prefetching {Format(cachedPrefetched2)} = {cached.MsPerStep / cachedPrefetched2.MsPerStep:F3}x faster");
            Console.WriteLine($"   round {round + 1}: student-only {Format(basic)}; bf16 {Format(bf16)} = {basic.MsPerStep / bf16.MsPerStep:F3}x faster (CPU {basic.CpuMsPerStep / bf16.CpuMsPerStep:F3}x); cached {Format(cached)} = {cached.MsPerStep / basic.MsPerStep:F3}x (CPU {cached.CpuMsPerStep / basic.CpuMsPerStep:F3}x)"
                + (online is null ? "" : $"; online {Format(online)} = {online.MsPerStep / basic.MsPerStep:F3}x (CPU {online.CpuMsPerStep / basic.CpuMsPerStep:F3}x)"));
            basics.Add(basic);
            bf16s.Add(bf16);
            cacheds.Add(cached);
            if (online is not null) onlines.Add(online);
        }
        var basicMs = Median(basics.Select(t => t.MsPerStep));
        var cachedMs = Median(cacheds.Select(t => t.MsPerStep));
        Console.WriteLine($"1. student-only step (BasicTrainer): {basicMs:F1} ms/step, CPU {Median(basics.Select(t => t.CpuMsPerStep)):F1} ms/step (median of {rounds} round(s))");
        Console.WriteLine($"1b. student-only step in bf16 mixed precision (\"bf16\": true): {Median(bf16s.Select(t => t.MsPerStep)):F1} ms/step, CPU {Median(bf16s.Select(t => t.CpuMsPerStep)):F1} ms/step; "
            + $"fp32/bf16 {Median(basics.Zip(bf16s, (b, h) => b.MsPerStep / h.MsPerStep)):F3}x, CPU {Median(basics.Zip(bf16s, (b, h) => b.CpuMsPerStep / h.CpuMsPerStep)):F3}x (goal >= 1.5x; medians of the rounds' ratios)");
        Console.WriteLine($"2. cached distillation step (GeneralDistiller, CachedTeacherFeed, teacher layers {string.Join(",", readLayers)}): {cachedMs:F1} ms/step, "
            + $"{Median(basics.Zip(cacheds, (b, c) => c.MsPerStep / b.MsPerStep)):F3}x student-only, CPU {Median(basics.Zip(cacheds, (b, c) => c.CpuMsPerStep / b.CpuMsPerStep)):F3}x (goal <= 1.05x; medians of the rounds' ratios)");
        Console.WriteLine($"2c. two threads (intra-op threads; the next batch prefetched only where a core is left over, {Environment.ProcessorCount} here): student-only {Median(basics2.Select(t => t.MsPerStep)):F1} ms/step "
            + $"({Median(basics.Zip(basics2, (a, b) => a.MsPerStep / b.MsPerStep)):F3}x the {threads}-thread step), cached distillation {Median(cacheds2.Select(t => t.MsPerStep)):F1} ms/step "
            + $"({Median(cacheds.Zip(cacheds2, (a, b) => a.MsPerStep / b.MsPerStep)):F3}x; goal >= 1.7x from one thread; CPU {Median(cacheds2.Select(t => t.CpuMsPerStep)):F1} ms/step; medians of the rounds' ratios)");
        Console.WriteLine($"2d. cached distillation at two threads, the next batch prefetched on a background thread: {Median(cachedsPrefetched2.Select(t => t.MsPerStep)):F1} ms/step "
            + $"({Median(cacheds.Zip(cachedsPrefetched2, (a, b) => a.MsPerStep / b.MsPerStep)):F3}x the {threads}-thread step, CPU {Median(cachedsPrefetched2.Select(t => t.CpuMsPerStep)):F1} ms/step)");
        var onlineMs = onnxFile is null ? Median(onlines.Select(t => t.MsPerStep)) : double.NaN;
        if (onnxFile is null)
        {
            Console.WriteLine($"3. online distillation step (GeneralDistiller, OnlineTeacher): {onlineMs:F1} ms/step, "
                + $"{Median(basics.Zip(onlines, (b, o) => o.MsPerStep / b.MsPerStep)):F3}x student-only, CPU {Median(basics.Zip(onlines, (b, o) => o.CpuMsPerStep / b.CpuMsPerStep)):F3}x");
        }

        // 3c. The work outside the model: AdamW and clipping alone over the student's parameters, ours and TorchSharp's AdamW.
        set_num_threads(threads); // the 2-thread trainers above left LibTorch at 2
        var optimizer = OptimizerProbe.Measure(student.Model.Module, OptimizerSteps);
        var basicCpuMs = Median(basics.Select(t => t.CpuMsPerStep));
        string Share(CallTime t) => $"{t.Ms:F1} ms (CPU {t.CpuMs:F1} ms) = {t.Ms / basicMs:P1} of the student-only step (CPU {t.CpuMs / basicCpuMs:P1})";
        Console.WriteLine($"3c. outside the model, over the student's {optimizer.Parameters / 1e6:F1} M parameters ({OptimizerSteps} steps each): GcSafeAdamW {Share(optimizer.Ours)}; "
            + $"TorchSharp's AdamW (before) {Share(optimizer.TorchSharps)}; clip_grad_norm_ {Share(optimizer.Clip)}");

        // 3t. TextBrewer's student-only step on the same shapes, when python3 with torch and textbrewer is here.
        Console.WriteLine($"3t. {TextBrewerProbe.Run(studentDir, training, student.Feed(), WarmupSteps, steps, basicMs, basicCpuMs)}");
        if (quick) return 0;

        if (onnxFile is not null)
        {
            // 3b. The ONNX teacher online: ONNX Runtime on every batch, its per-row outputs padded into the batch's teacher tensors.
            var files = OnnxTeacherFiles.Locate(onnxFile, null, null, OnnxTeacherOutputs.Parse(["logits=logits", $"hidden.{teacherLayers}=last_hidden_state"]), cased: false);
            using var onnx = files.Open(kind, student.Labels.Count, threads, preferCuda: false, _ => { });
            var onnxOnline = Time("onnx", o => new GeneralDistiller(training, distillation, student.Adapted(), new OnlineOnnxTeacher(onnx, kind, readLayers), o), student.Feed());
            var torchOnline = Time("online", o => new GeneralDistiller(training, distillation, student.Adapted(), new OnlineTeacher(BertAdaptor.For(teacherModel, false)), o), student.Feed());
            Console.WriteLine($"3b. online distillation step, ONNX teacher (GeneralDistiller, OnlineOnnxTeacher, {onnxFile}): {onnxOnline.MsPerStep:F1} ms/step, "
                + $"{onnxOnline.MsPerStep / basicMs:F3}x student-only, {onnxOnline.MsPerStep / torchOnline.MsPerStep:F3}x the TorchSharp teacher online, {onnxOnline.MsPerStep / cachedMs:F3}x cached");
            return 0;
        }

        // 4. The whole recipe. Caching is measured as the teacher's forward passes over every example once (batches of 32 in
        //    length order, as cache-teacher batches, the cache's layers copied out as floats); the Parquet writing is not included.
        var manifest = CacheManifest.Load(Path.Combine(cacheDir, CacheManifest.FileName));
        var request = new TeacherRequest(manifest.Spec.HiddenLayers, [], Pooled: false);
        var torchTeacher = new TorchTeacher(teacherModel, student.Labels.Count, student.Tokenizer.PadId);
        var forward = Stopwatch.StartNew();
        foreach (var batch in student.Train.Features.OrderBy(f => f.Text.Length).Chunk(training.BatchSize)) torchTeacher.Run(batch, request);
        forward.Stop();
        var cachedRecipe = forward.Elapsed.TotalSeconds + RecipeEpochs * epochSteps * cachedMs / 1000;
        var onlineRecipe = RecipeEpochs * epochSteps * onlineMs / 1000;
        Console.WriteLine($"4. recipe of {RecipeEpochs} epochs x {epochSteps} steps, extrapolated from the per-step times above: "
            + $"cache once ({forward.Elapsed.TotalSeconds:F1} s measured teacher forward over {rows} examples, layers {string.Join(",", manifest.Spec.HiddenLayers)}; writing not included) "
            + $"+ cached steps = {cachedRecipe:F0} s; online = {onlineRecipe:F0} s; cached/online = {cachedRecipe / onlineRecipe:F3}");
    }

    // 5. The reader alone, over the columns the distiller reads, shuffled as the feed reads: the first pass hashes every shard,
    //    later ones (a run's later epochs) do not.
    const double GoalMegabytesPerSecond = 1000;
    var passes = await ReaderProbe.MeasureAsync(cacheDir, readLayers, ReaderPasses);
    Console.WriteLine($"5. reader alone (shuffled, layers {string.Join(",", readLayers)}, one reading thread, {passes[0].ShardBytes / 1e6:F0} MB of shards, {passes[0].Rows} rows per pass):");
    foreach (var (pass, i) in passes.Select((p, i) => (p, i)))
    {
        Console.WriteLine($"   pass {i + 1} ({(pass.Verified ? "shards already verified" : "hashes every shard")}): {pass.RowsPerSecond:F0} rows/s, "
            + $"{pass.MegabytesPerSecond:F0} MB/s of shard bytes = {pass.MegabytesPerSecond / GoalMegabytesPerSecond:F2}x the 1 GB/s goal "
            + $"({pass.Seconds:F2} s; process CPU {pass.CpuSeconds:F2} s = {pass.MegabytesPerCpuSecond:F0} MB per CPU-second)");
    }

    // 6. Memory of one epoch of batches at 1x and 10x the rows, each in its own process so that peaks do not mix.
    var tenfold = Path.Combine(work, "cache-10x");
    MemoryProbe.Replicate(cacheDir, tenfold, 10);
    var one = MemoryProbe.Run(cacheDir, readLayers, training.BatchSize);
    var ten = MemoryProbe.Run(tenfold, readLayers, training.BatchSize);
    Console.WriteLine($"6. memory streaming one epoch of batches (CacheReader + teacher tensors, no join; child processes; 10x = every shard linked 10 times):");
    Console.WriteLine($"   1x:  {one.Rows} rows, peak working set {one.PeakWorkingSet / 1e6:F0} MB, peak managed heap {one.PeakManaged / 1e6:F0} MB, {one.Seconds:F1} s");
    Console.WriteLine($"   10x: {ten.Rows} rows, peak working set {ten.PeakWorkingSet / 1e6:F0} MB, peak managed heap {ten.PeakManaged / 1e6:F0} MB, {ten.Seconds:F1} s");
    Console.WriteLine($"   ratio 10x/1x: working set {(double)ten.PeakWorkingSet / one.PeakWorkingSet:F3} (goal <= 1.1), managed heap {(double)ten.PeakManaged / one.PeakManaged:F3}");
}
finally
{
    Directory.Delete(work, recursive: true);
}
return 0;

static string Format(StepTiming t) => $"{t.MsPerStep:F0} ms (CPU {t.CpuMsPerStep:F0} ms)";

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

int Option(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}
