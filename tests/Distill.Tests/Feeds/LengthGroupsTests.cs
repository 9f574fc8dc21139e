using Distill.DistillStudent.Feeds;

namespace Distill.Tests.Feeds;

public sealed class LengthGroupsTests
{
    // 40 items, batches of 2: one group of 32 items (16 batches), then one of 8 (4 batches).
    private static readonly int[] Order = EpochOrder.Shuffled(40, seed: 7, epoch: 0);

    private static int Length(int item) => item % 13 + 1;

    [Fact]
    public void Batches_SortEachGroupByLengthAndKeepEveryItemOnce()
    {
        var batches = LengthGroups.Batches(Order, Length, batchSize: 2, seed: 11).ToList();

        Assert.Equal(20, batches.Count);
        Assert.All(batches, b => Assert.Equal(2, b.Length));
        Assert.Equal(Order[..32].Order(), batches[..16].SelectMany(b => b).Order());
        Assert.Equal(Order[32..].Order(), batches[16..].SelectMany(b => b).Order());
        foreach (var group in new[] { batches[..16], batches[16..] })
        {
            // Sorted then cut: the batches of a group, put back in length order, never interleave.
            var byLength = group.Select(b => b.Select(Length).Order().ToArray()).OrderBy(l => l[0]).ThenBy(l => l[1]).ToList();
            for (var i = 1; i < byLength.Count; i++) Assert.True(byLength[i - 1][1] <= byLength[i][0], $"batches {i - 1} and {i} of a group interleave");
        }
    }

    [Fact]
    public void Batches_ShuffleEachGroupsBatchesBySeed()
    {
        var first = LengthGroups.Batches(Order, Length, 2, seed: 11).Select(b => string.Join(',', b)).ToList();
        var again = LengthGroups.Batches(Order, Length, 2, seed: 11).Select(b => string.Join(',', b)).ToList();
        var other = LengthGroups.Batches(Order, Length, 2, seed: 12).Select(b => string.Join(',', b)).ToList();
        var sorted = Order[..32].OrderBy(Length).Chunk(2).Select(b => string.Join(',', b)).ToList();

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
        Assert.Equal(sorted.Order(), first[..16].Order());
        Assert.NotEqual(sorted, first[..16]);
    }

    [Fact]
    public void Batches_FromALaterGroup_AreTheFullPassesBatchesFromThere()
    {
        var full = LengthGroups.Batches(Order, Length, 2, seed: 11).Select(b => string.Join(',', b)).ToList();

        var resumed = LengthGroups.Batches(Order[32..], Length, 2, seed: 11, firstGroup: 1).Select(b => string.Join(',', b)).ToList();

        Assert.Equal(full[16..], resumed);
    }

    [Fact]
    public void Epoch_GroupedPadsFewerTokensThanRandomBatches()
    {
        // Padded tokens a batch computes: its size times its longest row.
        static int Padded(IEnumerable<int[]> batches) => batches.Sum(b => b.Length * b.Max(Length));

        var random = Padded(LengthGroups.Epoch(40, 2, seed: 7, epoch: 0, firstBatch: 0, length: null));
        var grouped = Padded(LengthGroups.Epoch(40, 2, seed: 7, epoch: 0, firstBatch: 0, length: Length));

        Assert.Equal(Order.Chunk(2).Sum(b => 2 * b.Max(Length)), random);
        Assert.True(grouped < random, $"grouped {grouped} padded tokens, random {random}");
        // A sorted group's pairs pad at most the group's range of lengths (12) beyond the rows' own, over both groups.
        Assert.True(grouped <= Enumerable.Range(0, 40).Sum(Length) + 2 * 12, $"grouped {grouped} padded tokens");
    }
}
