using Distill.DistillStudent.Feeds;

namespace Distill.Tests.Feeds;

public sealed class EpochOrderTests
{
    [Fact]
    public void Shuffled_SameSeedAndEpoch_SamePermutation()
    {
        Assert.Equal(EpochOrder.Shuffled(100, 5, 1), EpochOrder.Shuffled(100, 5, 1));
        Assert.NotEqual(EpochOrder.Shuffled(100, 5, 0), EpochOrder.Shuffled(100, 5, 1));
        Assert.NotEqual(EpochOrder.Shuffled(100, 5, 1), EpochOrder.Shuffled(100, 6, 1));
        Assert.Equal(Enumerable.Range(0, 100), EpochOrder.Shuffled(100, 5, 2).Order());
    }
}
