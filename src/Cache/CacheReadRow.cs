namespace Distill.Cache;

/// <summary>
/// One row as <see cref="CacheReader"/> yields it: like <see cref="CacheWriteRow"/>, but tensors stay in the
/// cache's dtype (<see cref="CachedTensor"/>) and only the columns of <see cref="CacheReaderOptions.Columns"/>
/// are present.
/// </summary>
/// <param name="FeatureId">Unique within a cache: the key a distiller joins its data on.</param>
/// <param name="ExampleId">The source example; several features share it when a long text is split into windows.</param>
/// <param name="InputIds">The teacher's token ids, T of them.</param>
/// <param name="Offsets">Two per token: character start and end in the source text; 0, 0 for special tokens.</param>
/// <param name="Segments">Per token: -1 for special tokens, 0 for the first text, 1 for the second.</param>
/// <param name="Logits">
/// <see cref="CacheSpec.LogitWidth"/> values, or T × LogitWidth when <see cref="CacheSpec.TokenLevelLogits"/>;
/// empty for a top-k spec (see <see cref="TopK"/>) or when logits were not selected.
/// </param>
/// <param name="Hidden">One tensor per selected hidden layer (<see cref="CacheReader.Columns"/>), T × HiddenSize.</param>
/// <param name="Attentions">One tensor per selected attention layer, NumHeads × T × T.</param>
/// <param name="Pooled">HiddenSize values when the pooled output is selected, otherwise null.</param>
internal sealed record CacheReadRow(
    string FeatureId,
    string ExampleId,
    int[] InputIds,
    int[] Offsets,
    int[] Segments,
    float[] Logits,
    IReadOnlyList<CachedTensor> Hidden,
    IReadOnlyList<CachedTensor> Attentions,
    CachedTensor? Pooled)
{
    /// <summary>Top-k logits for a spec with <see cref="CacheSpec.TopK"/> when logits are selected; null otherwise.</summary>
    public CacheTopK? TopK { get; init; }

    /// <summary>Three tensors per selected projection layer (query, key, value), T × HiddenSize each.</summary>
    public IReadOnlyList<CachedTensor> Projections { get; init; } = [];

    /// <summary>Number of tokens, T.</summary>
    public int Length => InputIds.Length;

    /// <summary>
    /// This row with its tensors decoded to float32. Its Hidden and Attentions are the selected layers,
    /// which are the spec's only when every column was read (the default).
    /// </summary>
    public CacheWriteRow ToCacheRow() => new(
        FeatureId, ExampleId, InputIds, Offsets, Segments, Logits,
        Hidden.Select(t => t.ToFloats()).ToArray(), Attentions.Select(t => t.ToFloats()).ToArray(), Pooled?.ToFloats())
    {
        TopK = TopK,
        Projections = Projections.Select(t => t.ToFloats()).ToArray(),
    };
}
