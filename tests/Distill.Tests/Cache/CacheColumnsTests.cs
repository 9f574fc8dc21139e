using Distill.Cache;

namespace Distill.Tests.Cache;

public sealed class CacheColumnsTests
{
    [Fact]
    public void Resolve_Default_SelectsEverythingTheSpecHolds()
    {
        var resolved = CacheColumns.All.Resolve(CacheFixtures.Tagging());

        Assert.Equal([0, 2], resolved.HiddenLayers!);
        Assert.Equal([1], resolved.AttentionLayers!);
        Assert.True(resolved.Pooled);
        Assert.True(resolved.Logits);
        Assert.False(CacheColumns.All.Resolve(CacheFixtures.Classification()).Pooled);
    }

    [Fact]
    public void Resolve_LayersTheSpecLacks_NamesEachAndWhatTheCacheHolds()
    {
        var columns = new CacheColumns { HiddenLayers = [2, 5], AttentionLayers = [0], Pooled = true };

        var error = Assert.Throws<CacheFormatException>(() => columns.Resolve(CacheFixtures.Classification()));

        Assert.Equal(
            "columns to read: hidden layer 2 is not in the cache (it holds hidden_layers [1]); "
            + "hidden layer 5 is not in the cache (it holds hidden_layers [1]); "
            + "attention layer 0 is not in the cache (it holds attention_layers []); "
            + "the pooled output is not in the cache (its spec has pooled false)",
            error.Message);
    }

    [Fact]
    public void Resolve_RepeatedLayer_Fails()
    {
        var error = Assert.Throws<CacheFormatException>(() => new CacheColumns { HiddenLayers = [2, 2] }.Resolve(CacheFixtures.Tagging()));

        Assert.Contains("hidden layers [2, 2] repeat a layer", error.Message);
    }
}
