using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.Models.BiGru;

/// <summary>
/// The <c>config.json</c> of a BiGRU task model (<c>"model_type": "bigru"</c>): embeddings of
/// <see cref="EmbeddingSize"/>, <see cref="NumLayers"/> bidirectional GRU layers of <see cref="HiddenSize"/> per
/// direction (each layer's output is 2 × hidden_size wide), and a head for <see cref="Task"/> over
/// <see cref="Labels"/>. Keys this type does not know are kept in <see cref="Extra"/>.
/// </summary>
internal sealed record BiGruConfig
{
    public const string Type = "bigru";

    [JsonPropertyName("model_type")] public string ModelType { get; init; } = Type;

    /// <summary>classification (max-pooled over real tokens) or tagging (a label per token).</summary>
    [JsonPropertyName("task")] public TaskKind Task { get; init; } = TaskKind.Classification;

    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; }
    [JsonPropertyName("embedding_size")] public int EmbeddingSize { get; init; }

    /// <summary>Per direction, as PyTorch's GRU hidden_size.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; }

    [JsonPropertyName("num_layers")] public int NumLayers { get; init; } = 1;

    /// <summary>Dropout on the embeddings and between GRU layers while training.</summary>
    [JsonPropertyName("dropout")] public double Dropout { get; init; } = 0.1;

    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; }

    /// <summary>The tokenizer's setting, as in a BERT config; absent means lower-case.</summary>
    [JsonPropertyName("do_lower_case")] public bool? DoLowerCase { get; init; }

    /// <summary>The head's labels in id order.</summary>
    [JsonPropertyName("labels")] public IReadOnlyList<string> Labels { get; init; } = [];

    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>Width of a GRU layer's output: both directions concatenated.</summary>
    [JsonIgnore] public int OutputSize => 2 * HiddenSize;

    /// <summary>Reads and validates a <c>config.json</c>.</summary>
    public static BiGruConfig Load(string path) => ConfigJson.Load<BiGruConfig>(path, (config, source) => config.Validate(source));

    public void Save(string path) => ConfigJson.Save(path, this, (config, source) => config.Validate(source));

    /// <summary>Checks every field and throws one <see cref="ConfigException"/> naming each bad one.</summary>
    public void Validate(string source = "config.json")
    {
        var problems = new List<string>();
        void Positive(string name, int value)
        {
            if (value <= 0) problems.Add($"{name} must be positive, found {value}");
        }
        if (ModelType != Type) problems.Add($"model_type must be \"{Type}\", found \"{ModelType}\"");
        if (Task == TaskKind.Qa) problems.Add("task must be classification or tagging, found \"qa\" (a BiGRU has no QA head)");
        Positive("vocab_size", VocabSize);
        Positive("embedding_size", EmbeddingSize);
        Positive("hidden_size", HiddenSize);
        Positive("num_layers", NumLayers);
        if (Dropout is < 0 or >= 1 || double.IsNaN(Dropout)) problems.Add($"dropout must be in [0, 1), found {Dropout}");
        if (PadTokenId < 0 || PadTokenId >= VocabSize) problems.Add($"pad_token_id must be in [0, vocab_size), found {PadTokenId}");
        if (Labels.Count < 2) problems.Add($"labels must name at least 2 labels, found {Labels.Count}");
        if (problems.Count > 0) throw new ConfigException($"{source}: {string.Join("; ", problems)}");
    }
}
