namespace Distill.DistillStudent.Feeds;

/// <summary>The example order of an epoch: a Fisher–Yates shuffle seeded by (seed, epoch), so a resumed run sees the same order.</summary>
internal static class EpochOrder
{
    public static int[] Shuffled(int count, int seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        var random = new Random(Seed(seed, epoch));
        for (var i = order.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }
        return order;
    }

    /// <summary>One seed per (run seed, epoch), also for readers that shuffle a stream.</summary>
    public static int Seed(int seed, int epoch) => unchecked(seed * 1_000_003 + epoch);
}
