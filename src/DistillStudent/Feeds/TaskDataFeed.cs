using Distill.Models;
using Distill.Tasks;
using Distill.Batches;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// Batches of a task's features held in memory, in a seeded shuffled order per epoch (<see cref="IndexedFeed"/>).
/// Used by BasicTrainer and by distillers whose teacher runs online.
/// </summary>
internal sealed class TaskDataFeed(IReadOnlyList<TrainingFeature> features, TaskKind kind, int padId, int batchSize, int seed) : IBatchFeed
{
    private readonly IndexedFeed indexed = new(features.Count, batchSize, seed, chunk => Collate(chunk.Select(i => features[i]).ToList(), kind, padId));

    public int Count => indexed.Count;

    public int BatchesPerEpoch => indexed.BatchesPerEpoch;

    public IEnumerable<Batch> Epoch(int epoch, int firstBatch) => indexed.Epoch(epoch, firstBatch);

    /// <summary>A padded batch of features with their labels, the teachers' outputs for them and their task's name, if any.</summary>
    public static Batch Collate(IReadOnlyList<TrainingFeature> rows, TaskKind kind, int padId, IReadOnlyList<Adaptors.AdaptorOutput>? teachers = null, string? task = null)
    {
        var collated = FeatureBatch.Collate(rows, kind, padId);
        return new Batch(new Dictionary<string, TorchSharp.torch.Tensor>
        {
            [Batch.InputIds] = collated.Inputs.InputIds,
            [Batch.AttentionMask] = collated.Inputs.AttentionMask,
            [Batch.TokenTypeIds] = collated.Inputs.TokenTypeIds,
            [Batch.Labels] = collated.Labels,
        }, rows.Count, teachers, rows.Select(r => r.FeatureId).ToList(), task);
    }
}
