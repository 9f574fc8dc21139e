using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Distill.Errors;

namespace Distill.Models;

/// <summary>
/// The BERT keys of a Hugging Face <c>config.json</c>. Keys this type does not know (label maps,
/// architectures, ...) are kept in <see cref="Extra"/> so that a load-save round trip loses nothing.
/// </summary>
public sealed record BertConfig
{
    /// <summary>Hugging Face's <c>model_type</c>; <c>bert</c> for every model this class loads.</summary>
    [JsonPropertyName("model_type")] public string ModelType { get; init; } = "bert";
    /// <summary>Rows of the word-embedding matrix: the tokenizer's vocabulary size (ids must stay below it).</summary>
    [JsonPropertyName("vocab_size")] public int VocabSize { get; init; } = 30522;
    /// <summary>The width H of every layer's hidden states, (B, T, H); a multiple of <see cref="NumAttentionHeads"/>.</summary>
    [JsonPropertyName("hidden_size")] public int HiddenSize { get; init; } = 768;
    /// <summary>Transformer layers; hidden states are numbered 0 (embeddings) to this number.</summary>
    [JsonPropertyName("num_hidden_layers")] public int NumHiddenLayers { get; init; } = 12;
    /// <summary>Attention heads per layer; each has <see cref="HeadSize"/> dimensions.</summary>
    [JsonPropertyName("num_attention_heads")] public int NumAttentionHeads { get; init; } = 12;
    /// <summary>The width of each layer's feed-forward inner layer (4 × hidden size in BERT).</summary>
    [JsonPropertyName("intermediate_size")] public int IntermediateSize { get; init; } = 3072;
    /// <summary>The feed-forward activation, as Hugging Face names it (<c>gelu</c>, <c>relu</c>, …).</summary>
    [JsonPropertyName("hidden_act")] public string HiddenAct { get; init; } = "gelu";
    /// <summary>Dropout on embeddings and each sub-layer's output while training.</summary>
    [JsonPropertyName("hidden_dropout_prob")] public double HiddenDropoutProb { get; init; } = 0.1;
    /// <summary>Dropout on the attention probabilities while training.</summary>
    [JsonPropertyName("attention_probs_dropout_prob")] public double AttentionProbsDropoutProb { get; init; } = 0.1;
    /// <summary>The longest input in tokens (rows of the position embeddings).</summary>
    [JsonPropertyName("max_position_embeddings")] public int MaxPositionEmbeddings { get; init; } = 512;
    /// <summary>Token-type (segment) ids accepted: 2 for sentence pairs.</summary>
    [JsonPropertyName("type_vocab_size")] public int TypeVocabSize { get; init; } = 2;
    /// <summary>The epsilon of every layer norm; must match the checkpoint's for equal outputs.</summary>
    [JsonPropertyName("layer_norm_eps")] public double LayerNormEps { get; init; } = 1e-12;
    /// <summary>The standard deviation of the normal initialization of weights not loaded from a checkpoint.</summary>
    [JsonPropertyName("initializer_range")] public double InitializerRange { get; init; } = 0.02;
    /// <summary>The padding token's id, whose embedding row Hugging Face keeps at zero.</summary>
    [JsonPropertyName("pad_token_id")] public int PadTokenId { get; init; }

    /// <summary>Hugging Face's tokenizer setting; absent means lower-case (the uncased BERT default).</summary>
    [JsonPropertyName("do_lower_case")] public bool? DoLowerCase { get; init; }

    /// <summary>Hugging Face's class names; written for task models so transformers picks the right head.</summary>
    [JsonPropertyName("architectures")] public IReadOnlyList<string>? Architectures { get; init; }

    /// <summary>Label names of a classification or tagging head, keyed by id as a string ("0", "1", ...).</summary>
    [JsonPropertyName("id2label")] public IReadOnlyDictionary<string, string>? Id2Label { get; init; }

    /// <summary>The inverse of <see cref="Id2Label"/>: each label name's id.</summary>
    [JsonPropertyName("label2id")] public IReadOnlyDictionary<string, int>? Label2Id { get; init; }

    /// <summary>Keys this record does not model (e.g. <c>transformers_version</c>), kept so that loading and saving loses nothing.</summary>
    [JsonExtensionData] public Dictionary<string, JsonElement>? Extra { get; init; }

    /// <summary>Dimensions per attention head: hidden size / heads.</summary>
    [JsonIgnore] public int HeadSize => HiddenSize / NumAttentionHeads;

    /// <summary>Reads and validates a <c>config.json</c>.</summary>
    public static BertConfig Load(string path) => ConfigJson.Load<BertConfig>(path, (config, source) => config.Validate(source));

    /// <summary>Validates, then writes the config as Hugging Face's <c>config.json</c> (unknown keys of <see cref="Extra"/> included).</summary>
    public void Save(string path) => ConfigJson.Save(path, this, (config, source) => config.Validate(source));

    /// <summary>Checks every field and throws one <see cref="ConfigException"/> naming each bad one.</summary>
    public void Validate(string source = "config.json")
    {
        var problems = new List<string>();
        void Positive(string name, int value)
        {
            if (value <= 0) problems.Add($"{name} must be positive, found {value}");
        }
        void Probability(string name, double value)
        {
            if (value is < 0 or >= 1 || double.IsNaN(value)) problems.Add($"{name} must be in [0, 1), found {value}");
        }

        if (ModelType != "bert")
        {
            problems.Add($"model_type must be \"bert\", found \"{ModelType}\"");
        }
        Positive("vocab_size", VocabSize);
        Positive("hidden_size", HiddenSize);
        Positive("num_hidden_layers", NumHiddenLayers);
        Positive("num_attention_heads", NumAttentionHeads);
        Positive("intermediate_size", IntermediateSize);
        Positive("max_position_embeddings", MaxPositionEmbeddings);
        Positive("type_vocab_size", TypeVocabSize);
        if (NumAttentionHeads > 0 && HiddenSize % NumAttentionHeads != 0)
        {
            problems.Add($"hidden_size ({HiddenSize}) must be divisible by num_attention_heads ({NumAttentionHeads})");
        }
        if (!Activations.IsKnown(HiddenAct))
        {
            problems.Add($"hidden_act \"{HiddenAct}\" is not supported; known: {string.Join(", ", Activations.Names)}");
        }
        if (!(LayerNormEps > 0))
        {
            problems.Add($"layer_norm_eps must be positive, found {LayerNormEps}");
        }
        Probability("hidden_dropout_prob", HiddenDropoutProb);
        Probability("attention_probs_dropout_prob", AttentionProbsDropoutProb);
        if (PadTokenId < 0 || PadTokenId >= VocabSize)
        {
            problems.Add($"pad_token_id must be in [0, vocab_size), found {PadTokenId}");
        }
        if (problems.Count > 0)
        {
            throw new ConfigException($"{source}: {string.Join("; ", problems)}");
        }
    }

    /// <summary>The config as a JSON object (used where a config is embedded in another file).</summary>
    /// <summary>
    /// Refuses inputs cut at <paramref name="maxSeqLength"/> tokens when the model has fewer positions: the first input
    /// that long would fail deep in the position embeddings, so every stage checks before it reads data or writes.
    /// </summary>
    /// <param name="maxSeqLength">the run's max_seq_length (or the longest length asked for)</param>
    /// <param name="source">the config's path, for the message</param>
    public void CheckMaxSeqLength(int maxSeqLength, string source)
    {
        if (maxSeqLength > MaxPositionEmbeddings)
        {
            throw new ConfigException($"max_seq_length {maxSeqLength} exceeds the model's max_position_embeddings {MaxPositionEmbeddings} ({source}); "
                + $"use at most {MaxPositionEmbeddings}");
        }
    }

    /// <summary>The config as the JSON object <see cref="Save"/> writes.</summary>
    public JsonObject ToJson() => JsonSerializer.SerializeToNode(this, ConfigJson.WriteOptions)!.AsObject();
}
