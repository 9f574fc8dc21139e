namespace Distill.DistillStudent.Feeds;

/// <summary>A teacher cache directory and the teacher layers a run reads from it.</summary>
/// <param name="Dir">the cache directory (its manifest lists the shards)</param>
/// <param name="HiddenLayers">teacher hidden layers the distiller reads</param>
/// <param name="AttentionLayers">teacher attention layers the distiller reads</param>
internal sealed record TeacherCache(string Dir, IReadOnlyList<int> HiddenLayers, IReadOnlyList<int> AttentionLayers)
{
    /// <summary>Teacher layers whose self-attention projections (query, key, value) the distiller reads, for relation matches.</summary>
    public IReadOnlyList<int> ProjectionLayers { get; init; } = [];
}
