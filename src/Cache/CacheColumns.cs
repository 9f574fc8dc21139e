namespace Distill.Cache;

/// <summary>
/// Which optional columns a <see cref="CacheReader"/> reads; the others are neither read nor decoded.
/// Ids, offsets, segments and lengths are always read. The default reads everything the cache holds.
/// </summary>
internal sealed record CacheColumns
{
    /// <summary>Every column the cache holds.</summary>
    public static CacheColumns All { get; } = new();

    /// <summary>
    /// Hidden-state layers to read, as numbered in <see cref="CacheSpec.HiddenLayers"/>, in the order rows
    /// will hold them; null (default) reads all of them in the spec's order, empty reads none.
    /// </summary>
    public IReadOnlyList<int>? HiddenLayers { get; init; }

    /// <summary>Attention layers to read, as numbered in <see cref="CacheSpec.AttentionLayers"/>; null (default) reads all.</summary>
    public IReadOnlyList<int>? AttentionLayers { get; init; }

    /// <summary>Layers whose query, key and value projections to read, as numbered in <see cref="CacheSpec.ProjectionLayers"/>; null (default) reads all.</summary>
    public IReadOnlyList<int>? ProjectionLayers { get; init; }

    /// <summary>The pooled output: true reads it (the cache must hold it), false skips it, null (default) reads it when present.</summary>
    public bool? Pooled { get; init; }

    /// <summary>The logits (or top-k columns of a top-k spec); default true.</summary>
    public bool Logits { get; init; } = true;

    /// <summary>
    /// This selection with every choice made explicit for <paramref name="spec"/>; throws one
    /// <see cref="CacheFormatException"/> naming each asked-for column the cache lacks and what it holds.
    /// </summary>
    public CacheColumns Resolve(CacheSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var problems = new List<string>();
        var hidden = Layers("hidden", HiddenLayers, spec.HiddenLayers, problems);
        var attentions = Layers("attention", AttentionLayers, spec.AttentionLayers, problems);
        var projections = Layers("projection", ProjectionLayers, spec.ProjectionLayers ?? [], problems);
        if (Pooled == true && !spec.Pooled)
        {
            problems.Add("the pooled output is not in the cache (its spec has pooled false)");
        }
        if (problems.Count > 0)
        {
            throw new CacheFormatException($"columns to read: {string.Join("; ", problems)}");
        }
        return new CacheColumns { HiddenLayers = hidden, AttentionLayers = attentions, ProjectionLayers = projections, Pooled = Pooled ?? spec.Pooled, Logits = Logits };
    }

    private static int[] Layers(string kind, IReadOnlyList<int>? asked, IReadOnlyList<int> held, List<string> problems)
    {
        if (asked is null)
        {
            return [.. held];
        }
        foreach (int layer in asked.Where(l => !held.Contains(l)))
        {
            problems.Add($"{kind} layer {layer} is not in the cache (it holds {kind}_layers [{string.Join(", ", held)}])");
        }
        if (asked.Distinct().Count() != asked.Count)
        {
            problems.Add($"{kind} layers [{string.Join(", ", asked)}] repeat a layer");
        }
        return [.. asked];
    }
}
