namespace Distill.DistillStudent.Feeds;

/// <summary>
/// Batches for the training loop, epoch by epoch (TextBrewer's dataloader). An epoch's batches must be the same
/// every time it is asked for (a seeded order), so that a run resumed at batch b of epoch e sees exactly what an
/// uninterrupted run saw from there on.
/// </summary>
public interface IBatchFeed
{
    /// <summary>Examples per epoch.</summary>
    int Count { get; }

    /// <summary>Batches per epoch.</summary>
    int BatchesPerEpoch { get; }

    /// <summary>The batches of <paramref name="epoch"/> from index <paramref name="firstBatch"/> on; the caller disposes each.</summary>
    IEnumerable<Batch> Epoch(int epoch, int firstBatch);
}
