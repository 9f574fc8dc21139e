using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.Cache;

/// <summary>
/// What a cache holds for each row: the task's logits and which teacher internals, in which precision.
/// Stored in the manifest and in every shard's Parquet metadata; JSON names are snake_case.
/// </summary>
internal sealed record CacheSpec
{
    /// <summary>
    /// Newest version of the cache layout (schema, metadata keys, manifest) that this build reads and writes. Version 2
    /// added the self-attention projection columns (<see cref="ProjectionLayers"/>); a cache without them is written
    /// as version 1, unchanged, and version 1 caches read as before.
    /// </summary>
    public const int FormatVersion = 2;

    /// <summary>The oldest layout this build still reads.</summary>
    public const int OldestReadableVersion = 1;

    /// <summary>Whether this build reads caches of <paramref name="version"/>.</summary>
    public static bool Reads(int version) => version is >= OldestReadableVersion and <= FormatVersion;

    /// <summary>The first format version whose caches may hold what this spec asks for.</summary>
    [JsonIgnore]
    public int MinimumVersion => ProjectionLayers is { Count: > 0 } ? 2 : 1;

    /// <summary>Values of <see cref="Task"/>.</summary>
    public static IReadOnlyList<string> KnownTasks { get; } = ["classification", "tagging", "qa"];

    /// <summary>"classification", "tagging" or "qa".</summary>
    [JsonPropertyName("task")] public required string Task { get; init; }

    /// <summary>Classes per position; 2 for QA (start, end).</summary>
    [JsonPropertyName("logit_width")] public required int LogitWidth { get; init; }

    /// <summary>True for tagging and QA (T × LogitWidth logits), false for classification (one row of LogitWidth).</summary>
    [JsonPropertyName("token_level_logits")] public bool TokenLevelLogits { get; init; }

    /// <summary>Indices into the teacher's hidden states: 0 is the embeddings' output, n the output of layer n.</summary>
    [JsonPropertyName("hidden_layers")] public IReadOnlyList<int> HiddenLayers { get; init; } = [];

    /// <summary>Indices into the teacher's attention probabilities: 0 is the first layer's.</summary>
    [JsonPropertyName("attention_layers")] public IReadOnlyList<int> AttentionLayers { get; init; } = [];

    /// <summary>
    /// Layers (0 = the first) whose self-attention query, key and value projections are stored, T × HiddenSize each
    /// with the heads concatenated (MiniLM's relations read them). Null, and left out of the JSON, when there are none,
    /// so that a spec without them reads and compares as a version 1 spec.
    /// </summary>
    [JsonPropertyName("projection_layers")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<int>? ProjectionLayers { get; init; }

    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; }

    [JsonPropertyName("num_heads")] public int NumHeads { get; init; }

    /// <summary>Whether each row carries the pooler output (HiddenSize values).</summary>
    [JsonPropertyName("pooled")] public bool Pooled { get; init; }

    /// <summary>Precision of hidden states, attentions and pooled output; logits stay float32.</summary>
    [JsonPropertyName("dtype")] public CacheDType DType { get; init; } = CacheDType.Fp16;

    /// <summary>
    /// True when the teacher computed in bf16 mixed precision (<c>cache-teacher run --bf16</c>): its values are then
    /// within bf16 rounding of the float32 teacher's, not equal to them. Null (not written) for a float32 forward, so
    /// caches written before read as float32; a resume or merge with the other precision is refused.
    /// </summary>
    [JsonPropertyName("teacher_bf16")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? TeacherBf16 { get; init; }

    /// <summary>
    /// When set, logits are stored as the top k per position with their indices and the log-sum-exp over
    /// all classes (see <see cref="CacheTopK"/>); the caller decides above which LogitWidth to use it.
    /// </summary>
    [JsonPropertyName("top_k")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? TopK { get; init; }

    /// <summary>
    /// Rows per shard file (the last one may hold fewer): shard k holds features [k × rows, (k + 1) × rows) of
    /// the data. Null in caches written without it; a resume or merge with another value is refused.
    /// </summary>
    [JsonPropertyName("rows_per_shard")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? RowsPerShard { get; init; }

    /// <summary>Logit positions of a row of <paramref name="tokens"/> tokens.</summary>
    public int Positions(int tokens) => TokenLevelLogits ? tokens : 1;

    /// <summary>Checks every field and throws one <see cref="CacheFormatException"/> naming each bad one.</summary>
    public void Validate(string source = "cache spec")
    {
        var problems = new List<string>();
        if (!KnownTasks.Contains(Task))
        {
            problems.Add($"task \"{Task}\" is not known; known: {string.Join(", ", KnownTasks)}");
        }
        if (LogitWidth <= 0)
        {
            problems.Add($"logit_width must be positive, found {LogitWidth}");
        }
        if (Task == "qa" && (LogitWidth != 2 || !TokenLevelLogits))
        {
            problems.Add($"task \"qa\" needs logit_width 2 (start, end) and token_level_logits true, found {LogitWidth} and {TokenLevelLogits}");
        }
        if (Task == "tagging" && !TokenLevelLogits)
        {
            problems.Add("task \"tagging\" needs token_level_logits true");
        }
        if (Task == "classification" && TokenLevelLogits)
        {
            problems.Add("task \"classification\" needs token_level_logits false");
        }
        CheckLayers("hidden_layers", HiddenLayers, problems);
        CheckLayers("attention_layers", AttentionLayers, problems);
        CheckLayers("projection_layers", ProjectionLayers ?? [], problems);
        if ((HiddenLayers.Count > 0 || ProjectionLayers is { Count: > 0 } || Pooled) && HiddenSize <= 0)
        {
            problems.Add($"hidden_size must be positive when hidden_layers, projection_layers or pooled are set, found {HiddenSize}");
        }
        if (AttentionLayers.Count > 0 && NumHeads <= 0)
        {
            problems.Add($"num_heads must be positive when attention_layers are set, found {NumHeads}");
        }
        if (TopK is { } k && (k <= 0 || k > LogitWidth))
        {
            problems.Add($"top_k must be in [1, logit_width = {LogitWidth}], found {k}");
        }
        if (RowsPerShard is < 1)
        {
            problems.Add($"rows_per_shard must be positive, found {RowsPerShard}");
        }
        if (!Enum.IsDefined(DType))
        {
            problems.Add($"dtype {(int)DType} is not one of fp16, bf16, fp32");
        }
        if (problems.Count > 0)
        {
            throw new CacheFormatException($"{source}: {string.Join("; ", problems)}");
        }
    }

    private static void CheckLayers(string name, IReadOnlyList<int> layers, List<string> problems)
    {
        if (layers.Any(l => l < 0))
        {
            problems.Add($"{name} must not be negative, found [{string.Join(", ", layers)}]");
        }
        if (layers.Distinct().Count() != layers.Count)
        {
            problems.Add($"{name} must not repeat a layer, found [{string.Join(", ", layers)}]");
        }
    }

    /// <summary>Compact JSON, as stored in Parquet metadata; equal specs give equal strings.</summary>
    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>Parses and validates a spec; <paramref name="source"/> names where it came from in errors.</summary>
    public static CacheSpec FromJson(string json, string source)
    {
        CacheSpec? spec;
        try
        {
            spec = JsonSerializer.Deserialize<CacheSpec>(json);
        }
        catch (JsonException e)
        {
            throw new CacheFormatException($"{source}: not a valid cache spec ({e.Message})");
        }
        if (spec is null)
        {
            throw new CacheFormatException($"{source}: not a valid cache spec (it holds null)");
        }
        spec.Validate(source);
        return spec;
    }
}
