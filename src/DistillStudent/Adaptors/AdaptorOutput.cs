using static TorchSharp.torch;

namespace Distill.DistillStudent.Adaptors;

/// <summary>
/// What a distiller reads from a model's output (TextBrewer's adaptor dictionary). Every part is optional;
/// a distiller asks only for what its configuration uses and fails naming the missing part.
/// </summary>
/// <param name="Logits">classification (B, C); token-level (B, T, C)</param>
/// <param name="LogitsMask">(B, T): which positions of token-level logits count (1) in KD losses; null counts all</param>
/// <param name="Labels">the batch's labels, for <c>probability_shift</c></param>
/// <param name="Hidden">hidden states by layer number (0 = embeddings), each (B, T, H)</param>
/// <param name="Attention">attention probabilities by layer number (0 = first layer), each (B, heads, T, T)</param>
/// <param name="InputMask">(B, T): 1 for real tokens, 0 for padding; masks intermediate-layer losses</param>
/// <param name="Losses">the model's own losses on the labels (e.g. cross-entropy); their sum is the hard-label loss</param>
public sealed record AdaptorOutput(
    Tensor? Logits = null,
    Tensor? LogitsMask = null,
    Tensor? Labels = null,
    IReadOnlyDictionary<int, Tensor>? Hidden = null,
    IReadOnlyDictionary<int, Tensor>? Attention = null,
    Tensor? InputMask = null,
    IReadOnlyList<Tensor>? Losses = null)
{
    /// <summary>Top-k teacher logits from a cache of a wide output (then <see cref="Logits"/> is null).</summary>
    public TopKTensors? TopK { get; init; }

    /// <summary>
    /// (B, T) over the student's tokens, for a teacher with another vocabulary whose token-level outputs were aligned
    /// to the student's tokens (<see cref="CrossVocabulary.TokenAlignment"/>): 1 where a student token took any teacher
    /// token. Token-level losses leave the others out. Null when the tokens are the student's own.
    /// </summary>
    public Tensor? AlignedMask { get; init; }

    /// <summary>
    /// Whether <see cref="Logits"/> are distributions over positions (QA's (B, 2, T), <see cref="KdLogits"/>): then the
    /// positions a teacher with another vocabulary aligned nothing to are left out of the student's distributions as
    /// they are out of the teacher's.
    /// </summary>
    public bool LogitsOverPositions { get; init; }

    /// <summary>
    /// TextBrewer's list of logits: several heads (e.g. a QA model's start and end), each distilled against the
    /// teacher's head of the same index, their KD losses summed. When set, <see cref="Logits"/> is not read for KD.
    /// </summary>
    public IReadOnlyList<Tensor>? LogitsList { get; init; }

    /// <summary>With <see cref="LogitsList"/>: one (B, T) mask per head, or one for every head (TextBrewer's logits_mask list); null falls back to <see cref="LogitsMask"/>.</summary>
    public IReadOnlyList<Tensor>? LogitsMaskList { get; init; }

    /// <summary>With <see cref="LogitsList"/> and <c>probability_shift</c>: the labels of each head; null falls back to <see cref="Labels"/> for every head.</summary>
    public IReadOnlyList<Tensor>? LabelsList { get; init; }

    /// <summary>The self-attention projections by layer (query, key, value), which relation matches read; null for a model without them.</summary>
    internal LayerProjections? Projections { get; init; }

    /// <summary>Whether there are logits for KD (<see cref="Logits"/>, <see cref="LogitsList"/> or top-k ones).</summary>
    public bool HasLogits => Logits is not null || LogitsList is { Count: > 0 } || TopK is not null;

    /// <summary>A list of per-layer tensors (index = layer number), as models usually return them.</summary>
    public static IReadOnlyDictionary<int, Tensor> Layers(IEnumerable<Tensor> layers) =>
        layers.Select((t, i) => (t, i)).ToDictionary(p => p.i, p => p.t);

    /// <summary>The logits, or an error naming who lacks them.</summary>
    public Tensor RequireLogits(string who) =>
        Logits ?? throw new InvalidOperationException($"the {who} adaptor returned no logits, which the KD loss needs");

    /// <summary>The hidden state of <paramref name="layer"/>, or an error naming <paramref name="who"/> and the layers its adaptor gave.</summary>
    public Tensor RequireHidden(int layer, string who) =>
        Hidden is not null && Hidden.TryGetValue(layer, out var h) ? h
            : throw new InvalidOperationException($"the {who} adaptor returned no hidden state of layer {layer}; it has layers [{string.Join(", ", Hidden?.Keys ?? [])}]");

    internal Tensor RequireProjection(string feature, int layer, string who) =>
        Projections is { } projections ? projections.Require(feature, layer, who)
            : throw new InvalidOperationException($"the {who} adaptor returned no self-attention projections ({feature} of layer {layer}), which relation matches read");

    /// <summary>The attention of <paramref name="layer"/>, or an error naming <paramref name="who"/> and the layers its adaptor gave.</summary>
    public Tensor RequireAttention(int layer, string who) =>
        Attention is not null && Attention.TryGetValue(layer, out var a) ? a
            : throw new InvalidOperationException($"the {who} adaptor returned no attention of layer {layer}; it has layers [{string.Join(", ", Attention?.Keys ?? [])}]");
}

/// <summary>A teacher's top-k logits per position: values and indices (.., k) and the log-sum-exp over all classes (..).</summary>
/// <param name="Values">the k largest logits per position (.., k)</param>
/// <param name="Indices">their class indices (.., k), int64</param>
/// <param name="LogSumExp">the log-sum-exp of all the position's logits (..), so that the k probabilities are exact</param>
public sealed record TopKTensors(Tensor Values, Tensor Indices, Tensor LogSumExp);
