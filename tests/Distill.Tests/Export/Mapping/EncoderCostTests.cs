using Distill.Export.Mapping;
using Distill.Models;
using Distill.Tests.Support;

namespace Distill.Tests.Export.Mapping;

public sealed class EncoderCostTests
{
    private static BertConfig Sizes(int hidden, int intermediate, int heads, int layers) =>
        TinyBert.Config() with { HiddenSize = hidden, IntermediateSize = intermediate, NumAttentionHeads = heads, NumHiddenLayers = layers };

    [Fact]
    public void Layers_HandComputed()
    {
        // H 2, I 4, 1 head, T 3: 3·(4·4 + 2·2·4) + 2·9·2 = 132; at position 0: 4·4 + 2·2·4 + 2·1·3·2 = 44.
        var config = Sizes(hidden: 2, intermediate: 4, heads: 1, layers: 1);

        Assert.Equal(132, EncoderCost.FullLayer(config, 3));
        Assert.Equal(44, EncoderCost.FirstTokenLayer(config, 3));
    }

    [Fact]
    public void PerSequence_TwoLayerMiniLmWidthStudentAt128Tokens_SavesHalf()
    {
        // Per layer 128·(4·384² + 2·384·1536) + 2·128²·384 = 239,075,328; last at position 0: 4·384² + 2·384·1536 + 2·12·128·384 = 2,949,120.
        var config = Sizes(hidden: 384, intermediate: 1536, heads: 12, layers: 2);

        var (full, pruned) = EncoderCost.PerSequence(config, 128);

        Assert.Equal(478_150_656, full);
        Assert.Equal(242_024_448, pruned);
        Assert.Contains("478.2 M → 242.0 M multiply-adds per sequence at 128 tokens (-49.4 %)", EncoderCost.Note(config, 128));
    }
}
