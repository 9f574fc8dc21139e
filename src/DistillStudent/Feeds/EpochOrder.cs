namespace Distill.DistillStudent.Feeds;

/// <summary>The example order of an epoch: a Fisher–Yates shuffle seeded by (seed, epoch), so a resumed run sees the same order.</summary>
internal static class EpochOrder
{
    public static int[] Shuffled(int count, int seed, int epoch)
    {
        var order = Enumerable.Range(0, count).ToArray();
        Shuffle(order, Seed(seed, epoch));
        return order;
    }

    /// <summary>
    /// Shuffles <paramref name="items"/> in place, the same way for the same seed on every runtime (written out
    /// rather than <c>Random.Shuffle</c>, whose algorithm is not part of its contract).
    /// </summary>
    public static void Shuffle<T>(T[] items, int seed)
    {
        var random = new Random(seed);
        for (var i = items.Length - 1; i > 0; i--)
        {
            var j = random.Next(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>One seed per (run seed, epoch), also for readers that shuffle a stream.</summary>
    public static int Seed(int seed, int epoch) => unchecked(seed * 1_000_003 + epoch);
}
