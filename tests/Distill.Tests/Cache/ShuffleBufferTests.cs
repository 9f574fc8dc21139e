using Distill.Cache;

namespace Distill.Tests.Cache;

public sealed class ShuffleBufferTests
{
    [Fact]
    public void Add_ItemsOfVaryingSize_HoldsAtMostTheCapacityAndYieldsEachOnce()
    {
        var buffer = new ShuffleBuffer<int>(capacityBytes: 100, new Random(3));
        var sizes = new Random(4);
        var leaving = new List<int>();

        for (int i = 0; i < 500; i++)
        {
            buffer.Add(i, sizes.Next(1, 40), leaving);
            Assert.True(buffer.Bytes <= 100, $"after item {i} the buffer holds {buffer.Bytes} bytes");
        }
        int beforeDrain = leaving.Count;
        buffer.Drain(leaving);

        Assert.Equal(Enumerable.Range(0, 500), leaving.Order());
        Assert.InRange(buffer.PeakCount, 3, 99); // several rows wait: it does shuffle, and the bytes bound the count
        Assert.True(beforeDrain > 400);
        Assert.NotEqual(Enumerable.Range(0, 500), leaving);
        Assert.Equal(0, buffer.Bytes);
    }

    [Fact]
    public void Add_ItemLargerThanTheCapacity_PassesStraightThrough()
    {
        var buffer = new ShuffleBuffer<string>(capacityBytes: 10, new Random(1));
        var leaving = new List<string>();

        buffer.Add("big", 11, leaving);

        Assert.Equal(["big"], leaving);
        Assert.Equal(0, buffer.Count);
        Assert.Equal(0, buffer.PeakBytes);
    }

    [Fact]
    public void Add_SameSeedAndSizes_SameOrder()
    {
        List<int> Order(int seed)
        {
            var buffer = new ShuffleBuffer<int>(50, new Random(seed));
            var leaving = new List<int>();
            for (int i = 0; i < 100; i++)
            {
                buffer.Add(i, 1 + i % 7, leaving);
            }
            buffer.Drain(leaving);
            return leaving;
        }

        Assert.Equal(Order(9), Order(9));
        Assert.NotEqual(Order(9), Order(10));
    }
}
