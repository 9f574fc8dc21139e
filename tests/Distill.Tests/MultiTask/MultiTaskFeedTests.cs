using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.MultiTask;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.MultiTask;

public sealed class MultiTaskFeedTests
{
    /// <summary>A task of <paramref name="count"/> examples whose batches carry the task's name and the examples' indices as feature ids.</summary>
    private static IndexedFeed Task(string name, int count, int batchSize) => new(count, batchSize, seed: 5, rows =>
        new Batch(new Dictionary<string, Tensor> { [Batch.InputIds] = zeros(rows.Count, 2, dtype: ScalarType.Int64) }, rows.Count,
            featureIds: rows.Select(r => $"{name}-{r}").ToList(), task: name));

    private static List<string> Read(MultiTaskFeed feed, int firstBatch) => feed.Epoch(0, firstBatch).Select(b =>
    {
        using (b) return $"{b.Task}:{string.Join(",", b.FeatureIds)}";
    }).ToList();

    [Fact]
    public void Epoch_ResumedAtAnyBatch_GivesTheRestOfTheUninterruptedSequence()
    {
        TestAssets.EnsureTorch();
        // 3 and 7 batches per epoch; 40 batches take each task through several of its epochs.
        MultiTaskFeed Feed() => new([Task("a", 6, 2), Task("b", 13, 2)], batches: 40, batchSize: 2, tau: 1, seed: 8);
        var whole = Read(Feed(), 0);

        foreach (var first in new[] { 1, 7, 19, 39 })
        {
            Assert.Equal(whole[first..], Read(Feed(), first));
        }
    }

    [Fact]
    public void Epoch_TaskDrawnNTimes_GivesItsFirstNBatchesInItsOwnEpochOrder()
    {
        TestAssets.EnsureTorch();
        var a = Task("a", 6, 2);
        var feed = new MultiTaskFeed([a, Task("b", 13, 2)], batches: 40, batchSize: 2, tau: 1, seed: 8);

        var fromA = Read(feed, 0).Where(b => b.StartsWith("a:", StringComparison.Ordinal)).ToList();

        var expected = Enumerable.Range(0, 20).SelectMany(e => a.Epoch(e, 0).Select(b =>
        {
            using (b) return $"a:{string.Join(",", b.FeatureIds)}";
        })).Take(fromA.Count).ToList();
        Assert.True(fromA.Count > 3, $"task a was drawn {fromA.Count} times only");
        Assert.Equal(expected, fromA);
        Assert.Equal(40 * 2, feed.Count);
    }
}
