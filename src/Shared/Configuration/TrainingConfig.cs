using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.IO;
using Distill.Models;

namespace Distill.Configuration;

/// <summary>
/// Everything a training run needs, as JSON with snake_case names. Fields shared with TextBrewer's
/// <c>TrainingConfig</c> keep its names and meaning: <c>gradient_accumulation_steps</c>, <c>ckpt_frequency</c>
/// (checkpoints per epoch), <c>ckpt_epoch_frequency</c> (every N epochs), <c>ckpt_steps</c> (every N optimizer
/// steps, overriding the other two), <c>log_dir</c>, <c>output_dir</c>, <c>device</c>.
/// </summary>
public sealed record TrainingConfig
{
    [JsonPropertyName("task")] public string Task { get; init; } = "classification";
    [JsonPropertyName("model")] public string? Model { get; init; }
    [JsonPropertyName("train_file")] public string? TrainFile { get; init; }
    [JsonPropertyName("dev_file")] public string? DevFile { get; init; }
    [JsonPropertyName("output_dir")] public string? OutputDir { get; init; }
    [JsonPropertyName("log_dir")] public string? LogDir { get; init; }

    [JsonPropertyName("num_epochs")] public int NumEpochs { get; init; } = 3;
    /// <summary>
    /// When set, train this many optimizer steps, cycling the data, and ignore <c>num_epochs</c> (TextBrewer's
    /// <c>train(num_steps=...)</c>); checkpoints every <c>ckpt_steps</c> and at the end.
    /// </summary>
    [JsonPropertyName("num_steps")] public int? NumSteps { get; init; }
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 5e-5;
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 32;
    [JsonPropertyName("max_seq_length")] public int MaxSeqLength { get; init; } = 128;
    [JsonPropertyName("seed")] public int Seed { get; init; } = 42;
    [JsonPropertyName("gradient_accumulation_steps")] public int GradientAccumulationSteps { get; init; } = 1;
    [JsonPropertyName("warmup_proportion")] public double WarmupProportion { get; init; } = 0.1;
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; } = 0.01;
    /// <summary>Gradient clipping by global norm; 0 turns it off.</summary>
    [JsonPropertyName("max_grad_norm")] public double MaxGradNorm { get; init; } = 1.0;

    [JsonPropertyName("ckpt_frequency")] public int CkptFrequency { get; init; } = 1;
    [JsonPropertyName("ckpt_epoch_frequency")] public int CkptEpochFrequency { get; init; } = 1;
    [JsonPropertyName("ckpt_steps")] public int? CkptSteps { get; init; }
    /// <summary>Print and log the training loss every this many optimizer steps.</summary>
    [JsonPropertyName("log_steps")] public int LogSteps { get; init; } = 10;

    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    [JsonPropertyName("threads")] public int Threads { get; init; } = 1;

    /// <summary>QA: tokens shared by consecutive context windows.</summary>
    [JsonPropertyName("doc_stride")] public int DocStride { get; init; } = 64;
    [JsonPropertyName("max_query_length")] public int MaxQueryLength { get; init; } = 64;

    [JsonPropertyName("text_column")] public string TextColumn { get; init; } = "text";
    [JsonPropertyName("text_b_column")] public string TextBColumn { get; init; } = "text_b";
    [JsonPropertyName("label_column")] public string LabelColumn { get; init; } = "label";
    [JsonPropertyName("skip_bad")] public bool SkipBad { get; init; }

    /// <summary>Training runs on the CPU; CUDA builds (-p:TorchBackend=cuda) do not move training to the GPU yet.</summary>
    public static readonly IReadOnlyList<string> Devices = ["cpu"];

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [JsonIgnore] public TaskKind TaskKind => TaskKinds.Parse(Task, "training config");

    /// <summary>The reading and cutting settings this config implies.</summary>
    [JsonIgnore] public Tasks.TaskDataSettings DataSettings => new(MaxSeqLength,
        new Data.DataReadOptions { TextColumn = TextColumn, TextBColumn = TextBColumn, LabelColumn = LabelColumn, SkipBad = SkipBad },
        DocStride, MaxQueryLength);

    /// <summary>This config with the reading and cutting settings of <paramref name="data"/>.</summary>
    public TrainingConfig WithDataSettings(Tasks.TaskDataSettings data) => this with
    {
        MaxSeqLength = data.MaxSeqLength,
        DocStride = data.DocStride,
        MaxQueryLength = data.MaxQueryLength,
        TextColumn = data.ReadOptions.TextColumn,
        TextBColumn = data.ReadOptions.TextBColumn,
        LabelColumn = data.ReadOptions.LabelColumn,
        SkipBad = data.ReadOptions.SkipBad,
    };

    public static TrainingConfig Load(string path)
    {
        try
        {
            return JsonSerializer.Deserialize<TrainingConfig>(File.ReadAllText(path), Options)
                ?? throw new ConfigException($"{path}: the config is null");
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{path}: {e.Message}");
        }
    }

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    public string ToJson() => JsonSerializer.Serialize(this, Options);

    /// <summary>Checks every field; one <see cref="ConfigException"/> names each bad one.</summary>
    public TrainingConfig Validate(string source)
    {
        var problems = new List<string>();
        void Require(string name, string? value)
        {
            if (string.IsNullOrWhiteSpace(value)) problems.Add($"{name} is required");
        }
        void Positive(string name, double value)
        {
            if (!(value > 0)) problems.Add($"{name} must be positive, found {value}");
        }

        if (!TaskKinds.Names.Contains(Task)) problems.Add($"task \"{Task}\" is not known; known: {string.Join(", ", TaskKinds.Names)}");
        Require("model", Model);
        Require("train_file", TrainFile);
        Require("output_dir", OutputDir);
        Positive("num_epochs", NumEpochs);
        Positive("learning_rate", LearningRate);
        Positive("batch_size", BatchSize);
        Positive("gradient_accumulation_steps", GradientAccumulationSteps);
        Positive("ckpt_frequency", CkptFrequency);
        Positive("ckpt_epoch_frequency", CkptEpochFrequency);
        Positive("log_steps", LogSteps);
        Positive("threads", Threads);
        if (CkptSteps is { } steps && steps <= 0) problems.Add($"ckpt_steps must be positive, found {steps}");
        if (NumSteps is { } total && total <= 0) problems.Add($"num_steps must be positive, found {total}");
        if (MaxSeqLength < 8) problems.Add($"max_seq_length must be at least 8, found {MaxSeqLength}");
        if (WarmupProportion is < 0 or >= 1) problems.Add($"warmup_proportion must be in [0, 1), found {WarmupProportion}");
        if (WeightDecay < 0) problems.Add($"weight_decay must not be negative, found {WeightDecay}");
        if (MaxGradNorm < 0) problems.Add($"max_grad_norm must not be negative (0 turns clipping off), found {MaxGradNorm}");
        if (!Devices.Contains(Device)) problems.Add($"device \"{Device}\" is not known; known: {string.Join(", ", Devices)}");
        if (Task == "qa")
        {
            if (MaxQueryLength < 1 || MaxQueryLength > MaxSeqLength / 2) problems.Add($"max_query_length must be in [1, max_seq_length / 2], found {MaxQueryLength}");
            if (DocStride < 0 || DocStride >= MaxSeqLength - MaxQueryLength - 3) problems.Add($"doc_stride must be in [0, max_seq_length - max_query_length - 3), found {DocStride}");
        }
        problems.AddRange(FiniteNumbers.Problems(this));
        if (problems.Count > 0) throw new ConfigException($"{source}: {string.Join("; ", problems)}");
        return this;
    }
}
