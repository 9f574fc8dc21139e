namespace Distill.DistillStudent.Feeds;

/// <summary>
/// A feed over any indexable data set (TextBrewer's dataloader for user code): each epoch shuffles the indices
/// with a seed derived from (seed, epoch) and hands each chunk to <c>collate</c>, which builds the batch.
/// </summary>
/// <param name="count">examples in the data set</param>
/// <param name="batchSize">examples per batch</param>
/// <param name="seed">the run's seed</param>
/// <param name="collate">builds a batch from the examples at these indices</param>
public sealed class IndexedFeed(int count, int batchSize, int seed, Func<IReadOnlyList<int>, Batch> collate) : IBatchFeed
{
    /// <summary>Examples in the data set.</summary>
    public int Count => count;

    /// <summary>Batches per epoch; the last one may be short.</summary>
    public int BatchesPerEpoch => (count + batchSize - 1) / batchSize;

    /// <summary>An example's length in tokens, to batch examples of similar length (<see cref="LengthGroups"/>); null: random batches.</summary>
    internal Func<int, int>? GroupLength { get; init; }

    /// <summary>The batches of <paramref name="epoch"/> in that epoch's shuffled order, from batch <paramref name="firstBatch"/> on (resume); the caller disposes each.</summary>
    public IEnumerable<Batch> Epoch(int epoch, int firstBatch) =>
        LengthGroups.Epoch(count, batchSize, seed, epoch, firstBatch, GroupLength).Select(chunk => collate(chunk));
}
