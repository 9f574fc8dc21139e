namespace Distill.DistillStudent.Feeds;

/// <summary>
/// Batches of similar length (Hugging Face's <c>group_by_length</c>): an epoch's shuffled order is cut into groups
/// of <see cref="GroupBatches"/> batches, each group is sorted by length and cut into batches, and the batches of a
/// group are shuffled. A batch is padded to its longest row, so on short texts of mixed length this cuts the tokens
/// a step computes by up to half (polarity at 64 tokens: 53 padded tokens a row at random, 29 grouped); every example
/// is still seen once an epoch, and the order depends only on the seed, so a resumed run sees the same batches.
/// </summary>
internal static class LengthGroups
{
    /// <summary>
    /// Batches per group: enough for similar lengths to meet, few enough that a streamed cache holds only a few
    /// hundred rows more than it would anyway.
    /// </summary>
    public const int GroupBatches = 16;

    /// <summary>The batches of <paramref name="ordered"/> grouped by length; <paramref name="firstGroup"/> numbers the first group (a resumed stream starts at a whole group).</summary>
    /// <param name="ordered">the epoch's items in their shuffled order</param>
    /// <param name="length">an item's length in tokens</param>
    /// <param name="batchSize">items per batch</param>
    /// <param name="seed">the epoch's seed (<see cref="EpochOrder.Seed"/>); each group shuffles by its own derived seed</param>
    /// <param name="firstGroup">the index of the first group in the epoch</param>
    public static IEnumerable<T[]> Batches<T>(IEnumerable<T> ordered, Func<T, int> length, int batchSize, int seed, int firstGroup = 0)
    {
        var group = firstGroup;
        foreach (var rows in ordered.Chunk(batchSize * GroupBatches))
        {
            // OrderBy is stable: rows of equal length keep their shuffled order.
            var batches = rows.OrderBy(length).Chunk(batchSize).ToArray();
            EpochOrder.Shuffle(batches, EpochOrder.Seed(seed, group++));
            foreach (var batch in batches) yield return batch;
        }
    }

    /// <summary>The batches of an in-memory epoch order from batch <paramref name="firstBatch"/> on, grouped by length or not.</summary>
    public static IEnumerable<int[]> Epoch(int count, int batchSize, int seed, int epoch, int firstBatch, Func<int, int>? length)
    {
        var order = EpochOrder.Shuffled(count, seed, epoch);
        var batches = length is null ? order.Chunk(batchSize) : Batches(order, length, batchSize, EpochOrder.Seed(seed, epoch));
        return batches.Skip(firstBatch);
    }
}
