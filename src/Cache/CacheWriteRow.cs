namespace Distill.Cache;

/// <summary>
/// One cached teacher output for one feature (one window of one example). Arrays are row-major and hold
/// real tokens only (no padding); T is <see cref="InputIds"/>'s length.
/// </summary>
/// <param name="FeatureId">Unique within a cache: the key a distiller joins its data on.</param>
/// <param name="ExampleId">The source example; several features share it when a long text is split into windows.</param>
/// <param name="InputIds">The teacher's token ids, T of them.</param>
/// <param name="Offsets">Two per token: character start and end in the source text; 0, 0 for special tokens.</param>
/// <param name="Segments">Per token: -1 for special tokens, 0 for the first text, 1 for the second.</param>
/// <param name="Logits">
/// <see cref="CacheSpec.LogitWidth"/> values, or T × LogitWidth when <see cref="CacheSpec.TokenLevelLogits"/>.
/// For a top-k spec the writer takes either these (and selects the top k itself) or <see cref="TopK"/>;
/// the reader returns an empty array and fills <see cref="TopK"/>.
/// </param>
/// <param name="Hidden">One array per <see cref="CacheSpec.HiddenLayers"/> entry, T × HiddenSize.</param>
/// <param name="Attentions">One array per <see cref="CacheSpec.AttentionLayers"/> entry, NumHeads × T × T.</param>
/// <param name="Pooled">HiddenSize values when <see cref="CacheSpec.Pooled"/>, otherwise null.</param>
internal sealed record CacheWriteRow(
    string FeatureId,
    string ExampleId,
    int[] InputIds,
    int[] Offsets,
    int[] Segments,
    float[] Logits,
    IReadOnlyList<float[]> Hidden,
    IReadOnlyList<float[]> Attentions,
    float[]? Pooled)
{
    /// <summary>Top-k logits for a spec with <see cref="CacheSpec.TopK"/>; null otherwise.</summary>
    public CacheTopK? TopK { get; init; }

    /// <summary>Three arrays per <see cref="CacheSpec.ProjectionLayers"/> entry (query, key, value), T × HiddenSize each.</summary>
    public IReadOnlyList<float[]> Projections { get; init; } = [];

    /// <summary>Number of tokens, T.</summary>
    public int Length => InputIds.Length;
}

/// <summary>
/// The k largest logits of each position, best first, with their class indices and the log-sum-exp over
/// all classes, so that p(class) = exp(value − logsumexp) exactly and the mass outside the top k is
/// 1 − Σ exp(value − logsumexp).
/// </summary>
/// <param name="Values">Positions × k logits, descending within a position (ties: lower index first).</param>
/// <param name="Indices">Positions × k class indices matching <paramref name="Values"/>.</param>
/// <param name="LogSumExp">One per position, over all LogitWidth classes.</param>
internal sealed record CacheTopK(float[] Values, int[] Indices, float[] LogSumExp);
