using Distill.DistillStudent.Feeds;

namespace Distill.DistillStudent.MultiTask;

/// <summary>
/// The batches of a multi-task run: a fixed number of batches, each drawn from one task's feed with
/// <see cref="TaskSampler"/>, as one long epoch of the training loop. Each task's feed is read in its own epochs
/// (restarted with the next epoch's order when it runs out), so a task drawn n times has given its first n batches.
/// The sampler's state at batch b is the draws before b, recomputed from the seed; with the checkpoint's batch
/// position it puts every task's feed back where it was, so a resumed run sees the uninterrupted run's batches.
/// </summary>
internal sealed class MultiTaskFeed : IBatchFeed
{
    private readonly IReadOnlyList<IBatchFeed> tasks;
    private readonly int batches;
    private readonly int batchSize;
    private readonly TaskSampler sampler;

    /// <param name="tasks">each task's feed (its batches carry the task's name)</param>
    /// <param name="batches">batches of the whole run</param>
    /// <param name="batchSize">rows per batch (the same for every task)</param>
    /// <param name="tau">the sampling exponent (see <see cref="TaskSampler"/>)</param>
    /// <param name="seed">the run's seed</param>
    public MultiTaskFeed(IReadOnlyList<IBatchFeed> tasks, int batches, int batchSize, double tau, int seed)
    {
        this.tasks = tasks;
        this.batches = batches;
        this.batchSize = batchSize;
        sampler = new TaskSampler(tasks.Select(t => t.BatchesPerEpoch).ToList(), tau, seed);
    }

    public TaskSampler Sampler => sampler;

    /// <summary>The loop's view: one epoch of <c>batches × batchSize</c> rows.</summary>
    public int Count => batches * batchSize;

    public int BatchesPerEpoch => batches;

    public IEnumerable<Batch> Epoch(int epoch, int firstBatch)
    {
        if (epoch != 0) throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "a multi-task run is one epoch of a fixed number of batches");
        var draws = sampler.Draws(batches);
        var streams = tasks.Select((feed, t) => new TaskStream(feed, draws.Take(firstBatch).Count(d => d == t))).ToList();
        try
        {
            for (var b = firstBatch; b < batches; b++) yield return streams[draws[b]].Next();
        }
        finally
        {
            foreach (var stream in streams) stream.Dispose();
        }
    }

    /// <summary>One task's batches across its epochs, starting after the ones already taken.</summary>
    private sealed class TaskStream(IBatchFeed feed, int taken) : IDisposable
    {
        private IEnumerator<Batch>? current;
        private int epoch = taken / feed.BatchesPerEpoch;

        public Batch Next()
        {
            current ??= feed.Epoch(epoch, taken % feed.BatchesPerEpoch).GetEnumerator();
            while (!current.MoveNext())
            {
                current.Dispose();
                current = feed.Epoch(++epoch, 0).GetEnumerator();
            }
            return current.Current;
        }

        public void Dispose() => current?.Dispose();
    }
}
