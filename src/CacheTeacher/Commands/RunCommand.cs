using System.CommandLine;
using System.Globalization;
using Distill.Cache;
using Distill.Cli;
using Distill.DistillStudent.Configuration;
using Distill.Data;
using Distill.Models;
using Distill.Runtime;
using Distill.Tasks;
using Distill.Teachers;
using Distill.Errors;
using Distill.TeacherCaching;

namespace Distill.CacheTeacher.Commands;

/// <summary><c>run</c>: runs the teacher once over a data set and writes the cache (one job's slice).</summary>
internal sealed class RunCommand : Command
{
    private readonly Option<string?> model = new("--model") { Description = "teacher: a trained task model directory (TorchSharp)" };
    private readonly Option<string?> onnx = new("--onnx") { Description = "teacher: an ONNX model exported elsewhere (run with ONNX Runtime, CUDA when present)" };
    private readonly Option<string> task = new("--task") { Description = "classification | tagging | qa", Required = true };
    private readonly Option<string> data = new("--data") { Description = "the data set to run the teacher on", Required = true };
    private readonly Option<string> output = new("--out") { Description = "cache directory (manifest.json + part-NNNNN.parquet)", Required = true };
    private readonly Option<string?> hiddenLayers = new("--hidden-layers") { Description = "hidden states to keep, e.g. 0,2,4,6 (0 = embeddings)" };
    private readonly Option<string?> attentionLayers = new("--attention-layers") { Description = "attention probabilities to keep, e.g. 5 (0 = first layer; large)" };
    private readonly Option<string?> relationLayers = new("--relation-layers") { Description = "layers whose self-attention query, key and value projections to keep for MiniLM relations, e.g. 5 (0 = first layer; TorchSharp teachers)" };
    private readonly Option<FileInfo?> distillConfig = new("--config") { Description = "a distillation config: its intermediate_matches choose the layers" };
    private readonly Option<bool> pooled = new("--pooled") { Description = "also keep the pooled output" };
    private readonly Option<string> dtype = new("--dtype") { Description = "fp16 | bf16 | fp32 for hidden states, attentions and pooled output", DefaultValueFactory = _ => "fp16" };
    private readonly Option<bool> bf16 = new("--bf16") { Description = "run the teacher's forward in bf16 mixed precision (faster on CPUs with AVX512-BF16; values within bf16 rounding of float32's)" };
    private readonly Option<int> topK = new("--topk") { Description = "k of the top-k logits kept for wide outputs", DefaultValueFactory = _ => 32 };
    private readonly Option<int> topKThreshold = new("--topk-threshold") { Description = "outputs with more classes than this are stored as top-k + log-sum-exp", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> batchSize = new("--batch-size") { Description = "features per forward pass", DefaultValueFactory = _ => 32 };
    private readonly Option<int> rowsPerShard = new("--rows-per-shard") { Description = "features per shard file", DefaultValueFactory = _ => 1000 };
    private readonly Option<int> numShards = new("--num-shards") { Description = "number of cluster jobs sharing the work", DefaultValueFactory = _ => 1 };
    private readonly Option<int> shardIndex = new("--shard-index") { Description = "this job's index in [0, --num-shards)", DefaultValueFactory = _ => 0 };
    private readonly Option<int> threads = new("--threads") { Description = "CPU threads", DefaultValueFactory = _ => 1 };
    private readonly OnnxTeacherOptions onnxTeacher = new();
    private readonly DataReadingOptions reading = new();

    public RunCommand() : base("run", "Run a teacher once over a data set and cache logits, hidden states, attentions and token offsets; rerun the same command to resume")
    {
        foreach (var option in new Option[] { model, onnx, task, data, output, hiddenLayers, attentionLayers, relationLayers, distillConfig, pooled, dtype, bf16,
                     topK, topKThreshold, batchSize, rowsPerShard, numShards, shardIndex, threads }.Concat(onnxTeacher.All).Concat(reading.All))
        {
            Options.Add(option);
        }
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellation)
    {
        if ((parse.GetValue(model) is null) == (parse.GetValue(onnx) is null)) throw new ConfigException("give the teacher as exactly one of --model DIR or --onnx FILE");
        var config = parse.GetValue(distillConfig) is { } file ? DistillationConfig.Load(file.FullName) : null;
        var options = new CacheRunOptions
        {
            Task = TaskKinds.Parse(parse.GetValue(task)!, "--task"),
            DataFile = parse.GetValue(data)!,
            OutputDir = parse.GetValue(output)!,
            ModelDir = parse.GetValue(model),
            OnnxFile = parse.GetValue(onnx),
            OnnxConfig = parse.GetValue(onnxTeacher.Config),
            Vocab = parse.GetValue(onnxTeacher.Vocab),
            OnnxOutputs = parse.GetValue(onnx) is null ? null : OnnxTeacherOutputs.Parse(parse.GetValue(onnxTeacher.Outputs) ?? []),
            Cased = parse.GetValue(onnxTeacher.Cased),
            Data = reading.Apply(parse, DataReadingOptions.Defaults),
            HiddenLayers = Layers(parse.GetValue(hiddenLayers), "--hidden-layers", config?.TeacherHiddenLayers()),
            AttentionLayers = Layers(parse.GetValue(attentionLayers), "--attention-layers", config?.TeacherAttentionLayers()),
            ProjectionLayers = Layers(parse.GetValue(relationLayers), "--relation-layers", config?.TeacherProjectionLayers()),
            Pooled = parse.GetValue(pooled),
            DType = parse.GetValue(dtype) switch
            {
                "fp16" => CacheDType.Fp16,
                "bf16" => CacheDType.Bf16,
                "fp32" => CacheDType.Fp32,
                var other => throw new ConfigException($"--dtype \"{other}\" is not known; known: fp16, bf16, fp32"),
            },
            Bf16 = parse.GetValue(bf16),
            TopK = parse.GetValue(topK),
            TopKThreshold = parse.GetValue(topKThreshold),
            BatchSize = parse.GetValue(batchSize),
            RowsPerShard = parse.GetValue(rowsPerShard),
            NumShards = parse.GetValue(numShards),
            ShardIndex = parse.GetValue(shardIndex),
            Threads = parse.GetValue(threads),
        };
        TorchRuntime.Initialize(options.Threads);
        var log = parse.InvocationConfiguration.Output;
        var isTerminal = log == Console.Out && !Console.IsOutputRedirected;
        var summary = await CacheRun.ExecuteAsync(options, log, isTerminal, cancellation);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"cache: done, {summary.ShardsWritten} shards written ({summary.Rows} rows, {summary.Rows / Math.Max(1e-9, summary.Elapsed.TotalSeconds):F1} ex/s), {summary.ShardsReused} kept; {summary.ManifestPath}"));
        return 0;
    }

    /// <summary>"0,2,4,6" → [0, 2, 4, 6]; absent means the distillation config's layers, or none.</summary>
    internal static IReadOnlyList<int> Layers(string? text, string option, IReadOnlyList<int>? fromConfig)
    {
        if (string.IsNullOrWhiteSpace(text)) return fromConfig ?? [];
        var layers = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var layer))
            {
                throw new ConfigException($"{option} \"{text}\": \"{part}\" is not a layer number (expected e.g. 0,2,4,6)");
            }
            layers.Add(layer);
        }
        return layers.Distinct().Order().ToList();
    }
}
