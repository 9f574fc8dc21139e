using Distill.Cache;
using Distill.Models;
using Distill.Tasks;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// Streams a teacher cache and joins each row to the student's feature with the same feature id, so that every
/// batch carries the student's inputs and labels and the teacher's outputs for the same examples. The epoch
/// order is the cache reader's seeded shuffle (shards, row groups, a bounded buffer), so memory stays bounded
/// whatever the cache size; only the columns the distiller reads are read, and a resumed epoch starts after the
/// batches already taken.
/// </summary>
public sealed class CachedTeacherFeed : IBatchFeed
{
    private readonly string cacheDir;
    private readonly Dictionary<string, TrainingFeature> features;
    private readonly TaskKind kind;
    private readonly int padId;
    private readonly int batchSize;
    private readonly int seed;
    private readonly IReadOnlyList<int> hiddenLayers;
    private readonly IReadOnlyList<int> attentionLayers;
    private readonly CacheReaderOptions readerOptions;

    /// <param name="cacheDir">the cache directory (its manifest lists the shards)</param>
    /// <param name="features">the student's features of the same data</param>
    /// <param name="kind">the task</param>
    /// <param name="padId">the student's padding id</param>
    /// <param name="batchSize">rows per batch</param>
    /// <param name="seed">the run's seed; each epoch reads in the order of its own derived seed</param>
    /// <param name="hiddenLayers">teacher hidden layers the distiller reads</param>
    /// <param name="attentionLayers">teacher attention layers the distiller reads</param>
    /// <param name="readerOptions">buffer and prefetch settings (shuffle and seed are set per epoch)</param>
    public CachedTeacherFeed(string cacheDir, IReadOnlyList<TrainingFeature> features, TaskKind kind, int padId, int batchSize, int seed,
        IReadOnlyList<int> hiddenLayers, IReadOnlyList<int> attentionLayers, CacheReaderOptions? readerOptions = null)
    {
        this.cacheDir = cacheDir;
        this.features = features.ToDictionary(f => f.FeatureId, StringComparer.Ordinal);
        this.kind = kind;
        this.padId = padId;
        this.batchSize = batchSize;
        this.seed = seed;
        this.hiddenLayers = hiddenLayers;
        this.attentionLayers = attentionLayers;
        this.readerOptions = readerOptions ?? new CacheReaderOptions();
        Count = features.Count;
    }

    public int Count { get; }

    public int BatchesPerEpoch => (Count + batchSize - 1) / batchSize;

    public IEnumerable<Batch> Epoch(int epoch, int firstBatch)
    {
        var reader = CacheReader.Open(cacheDir, readerOptions with
        {
            Shuffle = true,
            Seed = EpochOrder.Seed(seed, epoch),
            SkipRows = (long)firstBatch * batchSize,
            Columns = new CacheColumns { HiddenLayers = hiddenLayers, AttentionLayers = attentionLayers, Pooled = false },
        });
        try
        {
            foreach (var chunk in reader.ReadAllAsync().ToBlockingEnumerable().Chunk(batchSize))
            {
                var joined = chunk.Select(Join).ToList();
                var teacher = TeacherTensors.Build(chunk, reader.Spec, reader.Columns, kind);
                yield return TaskDataFeed.Collate(joined, kind, padId, teacher);
            }
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private TrainingFeature Join(CachedRow row)
    {
        if (!features.TryGetValue(row.FeatureId, out var feature))
        {
            throw new CacheFormatException($"{cacheDir}: feature \"{row.FeatureId}\" is in the cache but not in the student's data; the cache was made from other data");
        }
        if (!feature.Text.Ids.AsSpan().SequenceEqual(row.InputIds))
        {
            throw new CacheFormatException($"{cacheDir}: feature \"{row.FeatureId}\": the teacher's tokens differ from the student's "
                + $"({row.InputIds.Length} vs {feature.Text.Length} tokens); teacher and student must share the vocabulary and max_seq_length");
        }
        return feature;
    }
}
