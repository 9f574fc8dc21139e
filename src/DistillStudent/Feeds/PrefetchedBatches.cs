using System.Collections.Concurrent;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// Builds the next batches on a background thread while the training step runs (reading and joining cached rows,
/// decoding teacher tensors, collating), at most <c>depth</c> ahead, so that batch production overlaps compute
/// on a second core. The batches and their order are the feed's own (production is deterministic, and the model's
/// random numbers are drawn on the training thread only), so a run gives the same weights with or without it.
/// The source is enumerated on that thread alone, from start to end or until the consumer stops: batches built
/// but not taken are disposed, and an exception of the source reaches the consumer at the batch where it happened.
/// </summary>
internal static class PrefetchedBatches
{
    /// <summary><paramref name="source"/>'s batches, produced up to <paramref name="depth"/> ahead on another thread.</summary>
    public static IEnumerable<Batch> Of(IEnumerable<Batch> source, int depth = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(depth, 1);
        using var queue = new BlockingCollection<Batch>(depth);
        using var stop = new CancellationTokenSource();
        var producer = Task.Factory.StartNew(() =>
        {
            try
            {
                foreach (var batch in source)
                {
                    try
                    {
                        queue.Add(batch, stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        batch.Dispose();
                        return;
                    }
                }
            }
            finally
            {
                queue.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var batch in queue.GetConsumingEnumerable())
            {
                yield return batch;
            }
            producer.GetAwaiter().GetResult(); // the source's exception, if it ended with one
        }
        finally
        {
            stop.Cancel();
            // Waits for the producer to stop (it may be inside the source: its finally blocks run there), then frees what it left.
            try
            {
                producer.Wait();
            }
            catch (AggregateException) when (!producer.IsCompletedSuccessfully)
            {
                // Already thrown above, or the consumer is leaving with its own exception, which wins.
            }
            while (queue.TryTake(out var left)) left.Dispose();
        }
    }
}
