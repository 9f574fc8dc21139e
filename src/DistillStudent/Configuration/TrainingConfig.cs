using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.IO;
using Distill.Models;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.DistillStudent.Configuration;

/// <summary>
/// Everything a training run needs, as JSON with snake_case names. Fields shared with TextBrewer's
/// <c>TrainingConfig</c> keep its names and meaning: <c>gradient_accumulation_steps</c>, <c>ckpt_frequency</c>
/// (checkpoints per epoch), <c>ckpt_epoch_frequency</c> (every N epochs), <c>ckpt_steps</c> (every N optimizer
/// steps, overriding the other two), <c>log_dir</c>, <c>output_dir</c>, <c>device</c>. TextBrewer's other keys
/// (<c>fp16</c>, <c>fp16_opt_level</c>, <c>data_parallel</c>, <c>local_rank</c>) are accepted so its config files load
/// unchanged; what they turn into here is <see cref="Notes"/>'s to say. Our defaults differ from TextBrewer's
/// <c>train()</c> (constant learning rate, no clipping): linear warm-up over <c>warmup_proportion</c> then linear
/// decay to 0, clipping at <c>max_grad_norm</c> 1.0, AdamW with weight decay 0.01 (<see cref="ScheduleSummary"/>).
/// </summary>
public sealed record TrainingConfig
{
    /// <summary>The task kind, <c>classification</c> (default), <c>tagging</c> or <c>qa</c>: decides the data reader, the logits' shape and the metrics.</summary>
    [JsonPropertyName("task")] public string Task { get; init; } = "classification";
    /// <summary>The model directory a run starts from, for the executables (the library's <c>Distiller</c> takes the module itself).</summary>
    [JsonPropertyName("model")] public string? Model { get; init; }
    /// <summary>The training data file, for the executables and for checking a teacher cache against the data it was made from.</summary>
    [JsonPropertyName("train_file")] public string? TrainFile { get; init; }
    /// <summary>The dev data file the executables evaluate at each checkpoint (through the library, <c>Distiller.EvaluateOn</c>).</summary>
    [JsonPropertyName("dev_file")] public string? DevFile { get; init; }
    /// <summary>Where checkpoints, <c>best/</c> and the logs go; required by <c>Train</c>. A run resumes from the newest checkpoint found here.</summary>
    [JsonPropertyName("output_dir")] public string? OutputDir { get; init; }
    /// <summary>Where the TensorBoard event files go; null: <c>runs/</c> under <see cref="OutputDir"/>.</summary>
    [JsonPropertyName("log_dir")] public string? LogDir { get; init; }

    /// <summary>Passes over the training data (default 3); ignored when <see cref="NumSteps"/> is set.</summary>
    [JsonPropertyName("num_epochs")] public int NumEpochs { get; init; } = 3;
    /// <summary>
    /// When set, train this many optimizer steps, cycling the data, and ignore <c>num_epochs</c> (TextBrewer's
    /// <c>train(num_steps=...)</c>); checkpoints every <c>ckpt_steps</c> and at the end.
    /// </summary>
    [JsonPropertyName("num_steps")] public int? NumSteps { get; init; }
    /// <summary>AdamW's peak learning rate, reached after the warm-up (default 5e-5; small students usually want 1e-3 or more).</summary>
    [JsonPropertyName("learning_rate")] public double LearningRate { get; init; } = 5e-5;
    /// <summary>Examples per batch (default 32); an optimizer step takes <see cref="GradientAccumulationSteps"/> batches.</summary>
    [JsonPropertyName("batch_size")] public int BatchSize { get; init; } = 32;
    /// <summary>Tokens per input after truncation, [CLS] and [SEP] included (default 128); a teacher cache fixes it to the length it was made at.</summary>
    [JsonPropertyName("max_seq_length")] public int MaxSeqLength { get; init; } = 128;
    /// <summary>Seeds LibTorch, the data order and the dropout masks (default 42): two runs with the same seed and threads train the same.</summary>
    [JsonPropertyName("seed")] public int Seed { get; init; } = 42;
    /// <summary>Batches whose gradients are summed before each optimizer step (default 1).</summary>
    [JsonPropertyName("gradient_accumulation_steps")] public int GradientAccumulationSteps { get; init; } = 1;
    /// <summary>The share of the optimizer steps over which the learning rate rises linearly from 0 (default 0.1); it then decays linearly to 0.</summary>
    [JsonPropertyName("warmup_proportion")] public double WarmupProportion { get; init; } = 0.1;
    /// <summary>AdamW's decoupled weight decay (default 0.01), not applied to biases and layer-norm weights.</summary>
    [JsonPropertyName("weight_decay")] public double WeightDecay { get; init; } = 0.01;
    /// <summary>
    /// Batches of rows of similar length (Hugging Face's <c>group_by_length</c>; default false, TextBrewer's random
    /// batches): a batch pads to its longest row, so on texts of mixed length a step computes fewer padding tokens
    /// (polarity: about half the tokens). Each example is still seen once an epoch, in an order fixed by the seed.
    /// </summary>
    // Not written when off, so that run records from before this key compare equal and those runs still resume.
    [JsonPropertyName("group_by_length"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] public bool GroupByLength { get; init; }
    /// <summary>Gradient clipping by global norm; 0 turns it off.</summary>
    [JsonPropertyName("max_grad_norm")] public double MaxGradNorm { get; init; } = 1.0;
    /// <summary>
    /// A batch whose loss or gradient norm is NaN or infinite: false (the default) ends the run with an error naming
    /// the step and the term; true skips its optimizer step and counts it (as mixed-precision trainers do).
    /// </summary>
    [JsonPropertyName("skip_nonfinite_batches")] public bool SkipNonFiniteBatches { get; init; }

    /// <summary>Checkpoints per epoch (TextBrewer's <c>ckpt_frequency</c>, default 1).</summary>
    [JsonPropertyName("ckpt_frequency")] public int CkptFrequency { get; init; } = 1;
    /// <summary>Checkpoint every this many epochs (TextBrewer's <c>ckpt_epoch_frequency</c>, default 1).</summary>
    [JsonPropertyName("ckpt_epoch_frequency")] public int CkptEpochFrequency { get; init; } = 1;
    /// <summary>Checkpoint every this many optimizer steps, overriding the two per-epoch settings; null: per epoch.</summary>
    [JsonPropertyName("ckpt_steps")] public int? CkptSteps { get; init; }
    /// <summary>Print and log the training loss every this many optimizer steps.</summary>
    [JsonPropertyName("log_steps")] public int LogSteps { get; init; } = 10;

    /// <summary><c>cpu</c>, or TextBrewer's <c>cuda</c> (<c>cuda:N</c>), which needs a LibTorch with CUDA (checked before any work).</summary>
    [JsonPropertyName("device")] public string Device { get; init; } = "cpu";
    /// <summary>LibTorch's intra-op threads, set when training starts (default 1: steady timings on a shared machine).</summary>
    [JsonPropertyName("threads")] public int Threads { get; init; } = 1;

    /// <summary>QA: tokens shared by consecutive context windows.</summary>
    [JsonPropertyName("doc_stride")] public int DocStride { get; init; } = 64;
    /// <summary>QA: tokens of the question kept before the context (default 64).</summary>
    [JsonPropertyName("max_query_length")] public int MaxQueryLength { get; init; } = 64;

    /// <summary>The JSONL/CSV column that holds the text (default <c>text</c>).</summary>
    [JsonPropertyName("text_column")] public string TextColumn { get; init; } = "text";
    /// <summary>The column of a pair's second text (default <c>text_b</c>); absent: single texts.</summary>
    [JsonPropertyName("text_b_column")] public string TextBColumn { get; init; } = "text_b";
    /// <summary>The column that holds the label (default <c>label</c>).</summary>
    [JsonPropertyName("label_column")] public string LabelColumn { get; init; } = "label";
    /// <summary>Skip unreadable records with a counted warning instead of failing on the first (default false).</summary>
    [JsonPropertyName("skip_bad")] public bool SkipBad { get; init; }

    /// <summary>
    /// bf16 mixed precision for the student (<see cref="Bf16Autocast"/>): its Linear layers and attention products in
    /// bfloat16, its weights, the optimizer state, LayerNorm, softmax and the losses in float32. Null (absent) is off,
    /// unless TextBrewer's <c>fp16</c> asks for mixed precision (<see cref="UsesBf16"/>).
    /// </summary>
    [JsonPropertyName("bf16")] public bool? Bf16 { get; init; }

    // TextBrewer's keys with no counterpart here; null (absent) is left out of written configs, so run files compare as before.
    /// <summary>TextBrewer: Apex mixed precision (GPUs only). Here <c>true</c> trains in bf16 on the CPU (<see cref="UsesBf16"/>; a line says so).</summary>
    [JsonPropertyName("fp16")] public bool? Fp16 { get; init; }
    /// <summary>TextBrewer: Apex's opt level (O0–O3), read only with fp16.</summary>
    [JsonPropertyName("fp16_opt_level")] public string? Fp16OptLevel { get; init; }
    /// <summary>TextBrewer: wrap the models in torch.nn.DataParallel. Here one process trains on one device (a warning says so when true).</summary>
    [JsonPropertyName("data_parallel")] public bool? DataParallel { get; init; }
    /// <summary>TextBrewer: this process's rank under DistributedDataParallel, −1 for none. Here a rank ≥ 0 trains alone on all the data (with a warning).</summary>
    [JsonPropertyName("local_rank")] public int? LocalRank { get; init; }

    /// <summary><c>cpu</c>, or <c>cuda</c>/<c>cuda:N</c> as TextBrewer writes them.</summary>
    internal static bool IsKnownDevice(string device) => device is "cpu" or "cuda"
        || (device.StartsWith("cuda:", StringComparison.Ordinal) && int.TryParse(device[5..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _));

    private static readonly IReadOnlyList<string> Fp16OptLevels = ["O0", "O1", "O2", "O3"];

    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    /// <summary>
    /// Whether the student trains in bf16 mixed precision: <c>bf16</c> when set; otherwise TextBrewer's <c>fp16: true</c>,
    /// whose Apex fp16 runs on GPUs only, maps to bf16 on the CPU, except at <c>fp16_opt_level</c> O0, which is float32 in Apex too.
    /// </summary>
    [JsonIgnore] public bool UsesBf16 => Bf16 ?? (Fp16 == true && Fp16OptLevel != "O0");

    /// <summary><see cref="Task"/> parsed; a ConfigException naming the known kinds for another value.</summary>
    [JsonIgnore] public TaskKind TaskKind => TaskKinds.Parse(Task, "training config");

    /// <summary>The reading and cutting settings this config implies.</summary>
    [JsonIgnore] public Tasks.TaskDataSettings DataSettings => new(MaxSeqLength,
        new Data.DataReadOptions { TextColumn = TextColumn, TextBColumn = TextBColumn, LabelColumn = LabelColumn, SkipBad = SkipBad },
        DocStride, MaxQueryLength);

    /// <summary>This config with the reading and cutting settings of <paramref name="data"/>.</summary>
    internal TrainingConfig WithDataSettings(Tasks.TaskDataSettings data) => this with
    {
        MaxSeqLength = data.MaxSeqLength,
        DocStride = data.DocStride,
        MaxQueryLength = data.MaxQueryLength,
        TextColumn = data.ReadOptions.TextColumn,
        TextBColumn = data.ReadOptions.TextBColumn,
        LabelColumn = data.ReadOptions.LabelColumn,
        SkipBad = data.ReadOptions.SkipBad,
    };

    /// <summary>Reads a config file (unknown keys are errors); call <see cref="Validate"/> before use. A ConfigException names the file and the problem.</summary>
    public static TrainingConfig Load(string path) => JsonFile.Read<TrainingConfig>(path, "training config", Options);

    private const string Mixed = "bf16 mixed precision (matmuls in bf16; weights, optimizer state, LayerNorm, softmax and losses in fp32)";

    /// <summary>
    /// One line for each TextBrewer key set to something this toolkit does otherwise, naming the key and what
    /// happens instead, and one each for bf16 and group_by_length; a run prints them first. Keys at TextBrewer's defaults (fp16 false, data_parallel false,
    /// local_rank −1) do nothing in TextBrewer either and stay quiet.
    /// </summary>
    internal IReadOnlyList<string> Notes()
    {
        var notes = new List<string>();
        if (Fp16 == true)
        {
            var asked = $"fp16: true{(Fp16OptLevel is { } level ? $" (fp16_opt_level {level})" : "")}";
            notes.Add((Bf16, Fp16OptLevel) switch
            {
                ({ } bf16, _) => $"note: {asked}: Apex fp16 runs on GPUs only; bf16: {(bf16 ? "true" : "false")} decides: training runs in {(bf16 ? Mixed : "fp32")}",
                (null, "O0") => $"note: {asked}: O0 is fp32 in Apex; training runs in fp32",
                _ => $"note: {asked}: Apex fp16 runs on GPUs only; on the CPU training runs in {Mixed} instead, as with \"bf16\": true"
                    + (Fp16OptLevel is "O2" or "O3" ? $" ({Fp16OptLevel}'s fp16 weights are not copied)" : ""),
            });
        }
        else if (UsesBf16)
        {
            notes.Add($"note: bf16: true: the student trains in {Mixed}");
        }
        if (GroupByLength) notes.Add($"note: group_by_length: true: each batch holds rows of similar length, cut from {Feeds.LengthGroups.GroupBatches} batches' worth of the epoch's shuffled order");
        if (DataParallel == true) notes.Add("warning: data_parallel: true: no torch.nn.DataParallel here; one process trains on one device with the whole batch");
        if (LocalRank >= 0) notes.Add($"warning: local_rank: {LocalRank}: no distributed training here; this process trains alone on all of the data");
        return notes;
    }

    /// <summary>The optimizer, learning-rate schedule and clipping this config trains with, and TextBrewer's, in one line.</summary>
    internal string ScheduleSummary()
    {
        var invariant = System.Globalization.CultureInfo.InvariantCulture;
        var clipping = MaxGradNorm > 0 ? string.Create(invariant, $"gradient clipping at max_grad_norm {MaxGradNorm:G4}") : "no gradient clipping";
        return string.Create(invariant, $"AdamW lr {LearningRate:G4} with weight decay {WeightDecay:G4}, linear warm-up over {WarmupProportion * 100:G4}% of the steps then linear decay to 0, ")
            + clipping + " (TextBrewer's train() defaults: constant learning rate, no clipping)";
    }

    /// <summary>Writes <see cref="ToJson"/> to <paramref name="path"/> atomically (a crash leaves the old file or the new one).</summary>
    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>The config as indented JSON with its snake_case names, as <see cref="Load"/> reads it.</summary>
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
        if (!IsKnownDevice(Device)) problems.Add($"device \"{Device}\" is not known; known: cpu, cuda, cuda:N");
        if (Fp16OptLevel is { } level && !Fp16OptLevels.Contains(level)) problems.Add($"fp16_opt_level \"{level}\" is not known; known: {string.Join(", ", Fp16OptLevels)}");
        if (LocalRank < -1) problems.Add($"local_rank must be -1 (not distributed) or a rank >= 0, found {LocalRank}");
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
