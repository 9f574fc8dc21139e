using Distill.Models;
using Distill.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

public sealed class BertModelTests
{
    private static (Tensor Ids, Tensor Mask) Batch()
    {
        // Row 0: 6 real tokens; row 1: 4 real tokens then 2 padding positions.
        var ids = tensor(new long[] { 2, 5, 9, 11, 4, 3, 2, 7, 8, 3, 0, 0 }, [2, 6]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 6]);
        return (ids, mask);
    }

    [Fact]
    public void Forward_TinyModel_ReturnsEveryLayerAndPooledOutput()
    {
        using var model = TinyBert.Create();
        using var scope = NewDisposeScope();
        var (ids, mask) = Batch();

        var output = model.forward(ids, mask, outputAttentions: true);

        Assert.Equal(3, output.HiddenStates.Count); // embeddings + 2 layers
        Assert.All(output.HiddenStates, h => Assert.Equal(new long[] { 2, 6, 16 }, h.shape));
        Assert.Equal(2, output.Attentions!.Count);
        Assert.All(output.Attentions, a => Assert.Equal(new long[] { 2, 4, 6, 6 }, a.shape));
        Assert.Equal(new long[] { 2, 16 }, output.PooledOutput!.shape);
    }

    [Fact]
    public void Forward_ChangedPaddedTokens_RealTokensUnchanged()
    {
        using var model = TinyBert.Create();
        using var scope = NewDisposeScope();
        var (ids, mask) = Batch();
        var changed = ids.clone();
        changed[1, 4] = tensor(17L);
        changed[1, 5] = tensor(42L);

        var before = model.forward(ids, mask).LastHiddenState[1, ..4];
        var after = model.forward(changed, mask).LastHiddenState[1, ..4];

        Assert.Equal(0.0, (before - after).abs().max().item<float>(), 6);
    }

    [Fact]
    public void Forward_ChangedRealToken_OtherTokensChange()
    {
        // The counterpart of the padding test: without the mask the same change is visible.
        using var model = TinyBert.Create();
        using var scope = NewDisposeScope();
        var (ids, mask) = Batch();
        var allReal = ones_like(mask);
        var changed = ids.clone();
        changed[1, 5] = tensor(42L);

        var before = model.forward(ids, allReal).LastHiddenState[1, ..4];
        var after = model.forward(changed, allReal).LastHiddenState[1, ..4];

        Assert.True((before - after).abs().max().item<float>() > 1e-4);
    }

    [Fact]
    public void Forward_AttentionProbabilities_RowsSumToOneAndIgnorePadding()
    {
        using var model = TinyBert.Create();
        using var scope = NewDisposeScope();
        var (ids, mask) = Batch();

        var attentions = model.forward(ids, mask, outputAttentions: true).Attentions!;

        foreach (var probabilities in attentions)
        {
            Assert.True((probabilities.sum(-1) - 1).abs().max().item<float>() < 1e-5);
            Assert.Equal(0.0, probabilities[1, .., .., 4..].abs().max().item<float>(), 7);
        }
    }

    [Theory]
    [InlineData("gelu")]
    [InlineData("gelu_new")]
    [InlineData("relu")]
    public void Forward_ExplicitAttentionPath_MatchesFusedKernel(string act)
    {
        using var model = TinyBert.Create(act: act);
        using var scope = NewDisposeScope();
        var (ids, mask) = Batch();

        var fused = model.forward(ids, mask).LastHiddenState;
        var explicitPath = model.forward(ids, mask, outputAttentions: true).LastHiddenState;

        Assert.True((fused - explicitPath).abs().max().item<float>() < 1e-5);
    }

    [Fact]
    public void Forward_TooLongSequence_FailsWithTheLimit()
    {
        using var model = TinyBert.Create();
        using var scope = NewDisposeScope();
        var ids = zeros(1, 40, dtype: ScalarType.Int64);

        var error = Assert.Throws<ArgumentException>(() => model.forward(ids, ones_like(ids)));

        Assert.Contains("max_position_embeddings (32)", error.Message);
    }

    [Fact]
    public void Forward_ManyCalls_LeavesNoLiveTensors()
    {
        using var model = TinyBert.Create();
        var (ids, mask) = Batch();
        using var _ = no_grad();
        RunOnce(); // warm-up allocations that live on
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        for (var i = 0; i < 5; i++) RunOnce();

        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);

        void RunOnce()
        {
            using var scope = NewDisposeScope();
            model.forward(ids, mask, outputAttentions: true);
        }
    }

    [Fact]
    public void StateDictKeys_AreHuggingFaceNames()
    {
        using var model = TinyBert.Create();

        var keys = model.state_dict().Keys.ToHashSet();

        Assert.Contains("embeddings.word_embeddings.weight", keys);
        Assert.Contains("embeddings.LayerNorm.weight", keys);
        Assert.Contains("encoder.layer.0.attention.self.query.weight", keys);
        Assert.Contains("encoder.layer.1.attention.output.LayerNorm.bias", keys);
        Assert.Contains("encoder.layer.1.intermediate.dense.weight", keys);
        Assert.Contains("encoder.layer.1.output.dense.bias", keys);
        Assert.Contains("pooler.dense.weight", keys);
        // 5 embedding tensors, 16 per layer, 2 in the pooler.
        Assert.Equal(5 + 2 * 16 + 2, keys.Count);
    }
}
