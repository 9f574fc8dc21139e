using Distill.Cache;

namespace Distill.DistillStudent.Api;

/// <summary>What <see cref="Teacher.WriteCacheAsync"/> keeps of the teacher's outputs and how it writes them; the defaults are <c>cache-teacher run</c>'s.</summary>
public sealed record TeacherCacheOptions
{
    /// <summary>Hidden layers to keep (0 = embeddings); the teacher's adaptor must return them. Default: none.</summary>
    public IReadOnlyList<int> HiddenLayers { get; init; } = [];

    /// <summary>Attention layers to keep (0 = the first layer's); the teacher's adaptor must return them. Default: none.</summary>
    public IReadOnlyList<int> AttentionLayers { get; init; } = [];

    /// <summary>How hidden states and attention are stored. Default: fp16.</summary>
    public CacheDType DType { get; init; } = CacheDType.Fp16;

    /// <summary>Features per forward pass. Default: 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Rows per shard; a rerun keeps complete shards. Default: 1000.</summary>
    public int RowsPerShard { get; init; } = 1000;

    /// <summary>Where progress goes. Default: standard error.</summary>
    public TextWriter? Log { get; init; }
}
