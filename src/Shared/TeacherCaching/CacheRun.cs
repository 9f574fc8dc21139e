using System.Diagnostics;
using System.Globalization;
using Distill.Cache;
using Distill.Data;
using Distill.IO;
using Distill.Logging;
using Distill.Models;
using Distill.Tasks;
using Distill.Teachers;
using Distill.Tokenization;
using Distill.Errors;

namespace Distill.TeacherCaching;

/// <summary>What a run did.</summary>
/// <param name="ShardsWritten">shards this run wrote</param>
/// <param name="ShardsReused">complete shards of an earlier run of the same job, kept</param>
/// <param name="Rows">rows this run wrote</param>
/// <param name="Tokens">tokens in those rows</param>
/// <param name="Elapsed">the whole run's time</param>
/// <param name="ShardsElapsed">time spent running the teacher and writing shards, without loading model and data</param>
/// <param name="ManifestPath">the job's finished manifest</param>
internal sealed record CacheRunSummary(int ShardsWritten, int ShardsReused, long Rows, long Tokens, TimeSpan Elapsed, TimeSpan ShardsElapsed, string ManifestPath);

/// <summary>
/// Runs a teacher once over a data set and writes its outputs as shards of one job's slice. Resumable: each
/// shard is written under a temporary name and renamed when complete, then recorded in the job's progress
/// file; a rerun of the same command keeps the recorded shards and redoes the rest.
/// </summary>
internal static class CacheRun
{
    /// <summary>Loads the teacher of <see cref="CacheRunOptions.ModelDir"/> or <see cref="CacheRunOptions.OnnxFile"/> and the data, then writes the cache (<c>cache-teacher run</c>).</summary>
    /// <param name="options">what to cache and how</param>
    /// <param name="log">progress and warnings</param>
    /// <param name="isTerminal">whether progress may redraw one line</param>
    /// <param name="cancellation">stops between batches; complete shards stay recorded</param>
    public static async Task<CacheRunSummary> ExecuteAsync(CacheRunOptions options, TextWriter log, bool isTerminal, CancellationToken cancellation = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var (plan, outputDir) = Prepare(options);

        // Teacher, tokenizer and data are checked before the output directory is made: a refused run leaves nothing.
        var source = OpenTeacher(options, log);
        var data = TaskDataLoader.Load(options.Task, options.DataFile, source.Tokenizer, source.Labels, options.Data);
        Directory.CreateDirectory(outputDir);
        using var jobLock = Lock(outputDir, options);
        using var teacher = source.Create(data.Labels);
        foreach (var warning in data.Warnings) log.WriteLine($"warning: {warning}");
        return await WriteLockedAsync(options, plan, outputDir, teacher, source.Info, data.Features, stopwatch, log, isTerminal, cancellation);
    }

    /// <summary>
    /// Writes the cache of any teacher over features already read: the same shards, manifest, checksums and resume as
    /// <see cref="ExecuteAsync"/>, which calls it. <see cref="CacheRunOptions.ModelDir"/> and <see cref="CacheRunOptions.OnnxFile"/>
    /// are not read; <see cref="CacheRunOptions.DataFile"/> and <see cref="CacheRunOptions.Data"/> identify the data in the manifest.
    /// </summary>
    /// <param name="options">what to cache and how</param>
    /// <param name="teacher">the teacher (not disposed here)</param>
    /// <param name="teacherInfo">the teacher's identity and config as the manifest records them (a rerun with another identity is refused)</param>
    /// <param name="features">the features of <see cref="CacheRunOptions.DataFile"/>, tokenized as the teacher reads them</param>
    /// <param name="log">progress</param>
    /// <param name="isTerminal">whether progress may redraw one line</param>
    /// <param name="cancellation">stops between batches; complete shards stay recorded</param>
    public static async Task<CacheRunSummary> WriteAsync(CacheRunOptions options, ITeacherModel teacher, CacheTeacherInfo teacherInfo, IReadOnlyList<TrainingFeature> features,
        TextWriter log, bool isTerminal, CancellationToken cancellation = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var (plan, outputDir) = Prepare(options);
        Directory.CreateDirectory(outputDir);
        using var jobLock = Lock(outputDir, options);
        return await WriteLockedAsync(options, plan, outputDir, teacher, teacherInfo, features, stopwatch, log, isTerminal, cancellation);
    }

    private static (ShardPlan Plan, string OutputDir) Prepare(CacheRunOptions options)
    {
        var plan = new ShardPlan(0, options.RowsPerShard, options.NumShards, options.ShardIndex);
        plan.Validate();
        return (plan, Path.GetFullPath(options.OutputDir));
    }

    private static async Task<CacheRunSummary> WriteLockedAsync(CacheRunOptions options, ShardPlan plan, string outputDir, ITeacherModel teacher, CacheTeacherInfo teacherInfo,
        IReadOnlyList<TrainingFeature> features, Stopwatch stopwatch, TextWriter log, bool isTerminal, CancellationToken cancellation)
    {
        plan = plan with { Features = features.Count };

        var spec = Spec(options, teacher);
        var template = new CacheManifest
        {
            Teacher = teacherInfo,
            Data = new CacheDataInfo(CacheIdentity.Data(options.DataFile, options.Data), CacheIdentity.ReaderSettings(options.DataFile, options.Data), features.Count),
            Spec = spec,
            Shards = [],
            NumShards = options.NumShards > 1 ? options.NumShards : null,
            ShardIndex = options.NumShards > 1 ? options.ShardIndex : null,
        };
        var progressFile = CacheLayout.ProgressFile(outputDir, options.NumShards, options.ShardIndex);
        var manifestPath = CacheLayout.FinishedManifest(outputDir, options.NumShards, options.ShardIndex);
        // A finished job's manifest counts as progress too, so rerunning a finished command redoes nothing.
        var done = await CacheResume.KeptShardsAsync(File.Exists(progressFile) ? progressFile : manifestPath, template, outputDir, log, cancellation);
        CacheResume.RemoveLeftovers(outputDir, plan.ShardsOfJob.Select(k => CacheShardNames.For(k)).Where(name => !done.ContainsKey(name)), [progressFile, manifestPath], log);
        var request = new TeacherRequest(spec.HiddenLayers, spec.AttentionLayers, spec.Pooled) { ProjectionLayers = spec.ProjectionLayers ?? [] };

        var todo = plan.ShardsOfJob.Where(k => !done.ContainsKey(CacheShardNames.For(k))).ToList();
        var total = todo.Sum(k => plan.Slice(k).Count);
        log.WriteLine($"cache: {features.Count} features in {plan.ShardCount} shards; job {options.ShardIndex} of {options.NumShards} writes {plan.ShardsOfJob.Count()}, {done.Count} already complete");
        var progress = new ProgressReporter(log, isTerminal, Math.Max(1, total), "cache");
        long rows = 0, tokens = 0;
        var shardsStopwatch = Stopwatch.StartNew();
        foreach (var shard in todo)
        {
            var (start, count) = plan.Slice(shard);
            var slice = Enumerable.Range(start, count).Select(i => features[i]).ToList();
            var info = await WriteShardAsync(outputDir, CacheShardNames.For(shard), spec, slice, teacher, request, options.BatchSize, written =>
            {
                rows += written.Rows;
                tokens += written.Tokens;
                var seconds = Math.Max(1e-9, shardsStopwatch.Elapsed.TotalSeconds);
                progress.Report(rows, string.Create(CultureInfo.InvariantCulture, $"{rows / seconds:F1} ex/s {tokens / seconds:F0} tok/s"));
            }, log, cancellation);
            done[info.File] = CacheShardEntry.From(info, options.ShardIndex);
            (template with { Shards = Ordered(done) }).Save(progressFile);
        }
        progress.Complete();

        var manifest = template with { Shards = Ordered(done), CreatedUtc = DateTimeOffset.UtcNow };
        manifest.Save(manifestPath);
        File.Delete(progressFile);
        return new CacheRunSummary(todo.Count, plan.ShardsOfJob.Count() - todo.Count, rows, tokens, stopwatch.Elapsed, shardsStopwatch.Elapsed, manifestPath);
    }

    private static async Task<ShardInfo> WriteShardAsync(string outputDir, string name, CacheSpec spec, List<TrainingFeature> slice, ITeacherModel teacher,
        TeacherRequest request, int batchSize, Action<(int Rows, int Tokens)> onWritten, TextWriter log, CancellationToken cancellation)
    {
        await using var writer = await CacheShardWriter.CreateAsync(outputDir, name, spec,
            new CacheWriterOptions { Log = m => log.WriteLine($"cache: {m}") }, cancellation);
        await ShardPipeline.RunAsync(slice, teacher, request, batchSize, async (rows, token) =>
        {
            await writer.WriteAsync(rows, token);
            onWritten((rows.Count, rows.Sum(r => r.InputIds.Length)));
        }, cancellation);
        return await writer.CompleteAsync(cancellation);
    }

    /// <summary>
    /// What is known of the teacher before the data is read: its tokenizer, its label order (null: take the
    /// data's), its identity, and how to build it once the labels are known.
    /// </summary>
    private sealed record TeacherSource(WordPieceEncoder Tokenizer, IReadOnlyList<string>? Labels, CacheTeacherInfo Info, Func<IReadOnlyList<string>, ITeacherModel> Create);

    private static TeacherSource OpenTeacher(CacheRunOptions options, TextWriter log)
    {
        if (options.ModelDir is { } modelDir)
        {
            var (model, labels) = TaskModelDirectory.Load(modelDir, options.Task);
            model.Config.CheckMaxSeqLength(options.Data.MaxSeqLength, Path.Combine(modelDir, ModelDirectory.ConfigFile));
            var tokenizer = ModelDirectory.LoadTokenizer(modelDir, model.Config);
            var width = options.Task == TaskKind.Qa ? 2 : labels.Count;
            return new TeacherSource(tokenizer, options.Task == TaskKind.Qa ? null : labels,
                new CacheTeacherInfo(CacheIdentity.TorchTeacher(modelDir), model.Config.ToJson()),
                _ => new TorchTeacher(model, width, tokenizer.PadId, options.Bf16));
        }

        var onnx = options.OnnxFile ?? throw new ConfigException("give the teacher as --model DIR or --onnx FILE");
        if (options.Bf16) throw new ConfigException("--bf16 runs a TorchSharp teacher (--model DIR) in bf16; an ONNX teacher runs in the precision of its graph");
        var files = OnnxTeacherFiles.Locate(onnx, options.OnnxConfig, options.Vocab, options.OnnxOutputs, options.Cased);
        var settings = files.Settings;
        files.Config.CheckMaxSeqLength(options.Data.MaxSeqLength, files.ConfigPath);
        return new TeacherSource(files.Tokenizer, options.Task == TaskKind.Qa ? null : files.Labels,
            new CacheTeacherInfo(CacheIdentity.OnnxTeacher(onnx, files.ConfigPath, files.VocabPath, settings), files.Config.ToJson(), settings),
            labels => files.Open(options.Task, options.Task == TaskKind.Qa ? 2 : labels.Count, options.Threads, preferCuda: true, log.WriteLine));
    }

    private static CacheSpec Spec(CacheRunOptions options, ITeacherModel teacher)
    {
        var badHidden = options.HiddenLayers.Where(l => l > teacher.NumLayers).ToList();
        var badAttention = options.AttentionLayers.Concat(options.ProjectionLayers).Where(l => l >= teacher.NumLayers).Distinct().ToList();
        if (badHidden.Count + badAttention.Count > 0)
        {
            throw new ConfigException($"the teacher has {teacher.NumLayers} layers: hidden layers go from 0 to {teacher.NumLayers}, attention and relation layers from 0 to {teacher.NumLayers - 1}; found hidden [{string.Join(",", badHidden)}], attention or relation [{string.Join(",", badAttention)}]");
        }
        if (options.Pooled && !teacher.HasPooler) throw new ConfigException("--pooled: the teacher has no pooler");
        return new CacheSpec
        {
            Task = options.Task.Name(),
            LogitWidth = teacher.LogitWidth,
            TokenLevelLogits = options.Task != TaskKind.Classification,
            HiddenLayers = options.HiddenLayers,
            AttentionLayers = options.AttentionLayers,
            ProjectionLayers = options.ProjectionLayers.Count > 0 ? options.ProjectionLayers : null,
            HiddenSize = teacher.HiddenSize,
            NumHeads = teacher.NumHeads,
            Pooled = options.Pooled,
            DType = options.DType,
            TeacherBf16 = options.Bf16 ? true : null,
            TopK = teacher.LogitWidth > options.TopKThreshold ? Math.Min(options.TopK, teacher.LogitWidth) : null,
            RowsPerShard = options.RowsPerShard,
        };
    }

    private static FileStream Lock(string outputDir, CacheRunOptions options)
    {
        var path = CacheLayout.LockFile(outputDir, options.NumShards, options.ShardIndex);
        return DirectoryLock.TryAcquire(path)
            ?? throw new ConfigException($"another cache-teacher run is writing job {options.ShardIndex} of {options.NumShards} into {outputDir} ({path} is locked); wait for it or stop it");
    }

    private static IReadOnlyList<CacheShardEntry> Ordered(Dictionary<string, CacheShardEntry> done) =>
        done.Values.OrderBy(e => e.File, StringComparer.Ordinal).ToList();
}
