using Distill.Cache;

namespace Distill.Tests.Cache;

public sealed class CacheJoinTests
{
    [Fact]
    public void Check_SameIdsInAnyOrder_Passes()
    {
        var sameIds = Record.Exception(() => CacheJoin.Check(["a", "b", "c"], ["c", "a", "b"]));
        var oneDiffers = Record.Exception(() => CacheJoin.Check(["a", "b", "c"], ["c", "a", "d"]));

        Assert.Null(sameIds);
        Assert.IsType<CacheFormatException>(oneDiffers);
    }

    [Fact]
    public void Check_IdsOnEachSide_ListsThemWithCounts()
    {
        var error = Assert.Throws<CacheFormatException>(() => CacheJoin.Check(["a", "b", "x"], ["a", "b", "y", "z"]));

        Assert.Contains("(3 cached, 4 wanted)", error.Message);
        Assert.Contains("1 id(s) only in the cache: \"x\"", error.Message);
        Assert.Contains("2 id(s) only in the data: \"y\", \"z\"", error.Message);
        Assert.Contains("rebuild it with cache-teacher", error.Message);
    }

    [Fact]
    public void Check_ManyMissing_ListsTenThenEllipsis()
    {
        var wanted = Enumerable.Range(0, 25).Select(i => $"w{i}").ToArray();

        var error = Assert.Throws<CacheFormatException>(() => CacheJoin.Check([], wanted));

        Assert.Contains("25 id(s) only in the data: \"w0\", \"w1\", \"w2\", \"w3\", \"w4\", \"w5\", \"w6\", \"w7\", \"w8\", \"w9\", ...", error.Message);
        Assert.DoesNotContain("\"w10\"", error.Message);
    }

    [Fact]
    public void Check_RepeatedCacheId_Reported()
    {
        var error = Assert.Throws<CacheFormatException>(() => CacheJoin.Check(["a", "a", "b"], ["a", "b"]));

        Assert.Contains("1 repeated id(s) in the cache: \"a\"", error.Message);
    }
}
