using Distill.Data;

namespace Distill.Tests.Data;

public sealed class FoldsTests
{
    private static readonly string[] Ids = [.. Enumerable.Range(0, 23).Select(i => $"train.csv:{i + 2}")];

    [Fact]
    public void Assign_23ItemsIn5Folds_SizesDifferByAtMostOne()
    {
        var folds = Folds.Assign(Ids, 5, seed: 42);

        Assert.Equal([5, 5, 5, 4, 4], folds.GroupBy(f => f).OrderBy(g => g.Key).Select(g => g.Count()));
    }

    [Fact]
    public void Assign_ItemsReordered_EachItemKeepsItsFold()
    {
        var folds = Folds.Assign(Ids, 5, seed: 42);
        var reversed = Folds.Assign(Ids.Reverse().ToArray(), 5, seed: 42);

        Assert.Equal(folds, reversed.Reverse());
    }

    [Fact]
    public void Assign_AnotherSeed_AnotherSplit()
    {
        Assert.NotEqual(Folds.Assign(Ids, 5, seed: 42), Folds.Assign(Ids, 5, seed: 43));
    }

    [Fact]
    public void Split_EveryFold_PartsDisjointCoverTheItemsAndHeldPartsPartitionThem()
    {
        var held = new List<string>();
        for (var fold = 0; fold < 5; fold++)
        {
            var parts = Folds.Split(Ids, id => id, 5, fold, selectShare: 0.25, seed: 42);

            var all = parts.Train.Concat(parts.Select).Concat(parts.Held).ToList();
            Assert.Equal(Ids.Length, all.Distinct().Count());
            Assert.Equal(Ids.Order(), all.Order());
            held.AddRange(parts.Held);
        }
        Assert.Equal(Ids.Order(), held.Order());
    }

    [Fact]
    public void Split_QuarterToSelect_RoundedShareOfTheRestInTheItemsOrder()
    {
        var parts = Folds.Split(Ids, id => id, 5, fold: 3, selectShare: 0.25, seed: 42);

        // fold 3 holds 4 of 23; a quarter of the other 19 is 4.75, rounded to 5.
        Assert.Equal((14, 5, 4), (parts.Train.Count, parts.Select.Count, parts.Held.Count));
        Assert.Equal(parts.Select.OrderBy(id => Array.IndexOf(Ids, id)), parts.Select);
        Assert.Equal(parts.Held.OrderBy(id => Array.IndexOf(Ids, id)), parts.Held);
    }

    [Fact]
    public void Assign_DuplicateId_ThrowsNamingIt()
    {
        var error = Assert.Throws<ArgumentException>(() => Folds.Assign(["a.csv:2", "b.csv:2", "a.csv:2"], 2, seed: 1));

        Assert.Contains("\"a.csv:2\" 2 times", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Assign_FewerItemsThanFolds_ThrowsWithCounts()
    {
        var error = Assert.Throws<ArgumentException>(() => Folds.Assign(["a", "b"], 3, seed: 1));

        Assert.Contains("3 folds need at least 3 items (found 2)", error.Message, StringComparison.Ordinal);
    }
}
