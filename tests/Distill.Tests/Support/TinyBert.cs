using Distill.Models;
using static TorchSharp.torch;
using Distill.Models.Bert;

namespace Distill.Tests.Support;

/// <summary>Small random BERT models for tests that need the architecture but not real weights.</summary>
internal static class TinyBert
{
    public static BertConfig Config(string act = "gelu") => new()
    {
        VocabSize = 50,
        HiddenSize = 16,
        NumHiddenLayers = 2,
        NumAttentionHeads = 4,
        IntermediateSize = 24,
        MaxPositionEmbeddings = 32,
        TypeVocabSize = 2,
        HiddenAct = act,
    };

    public static BertModel Create(int seed = 7, bool pooler = true, string act = "gelu")
    {
        TestAssets.EnsureTorch();
        manual_seed(seed);
        var model = new BertModel(Config(act), pooler);
        model.eval();
        return model;
    }
}
