using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

public sealed class StateDictTests
{
    [Fact]
    public void Load_BadKeys_OneErrorListsMissingUnexpectedAndMisShaped()
    {
        using var model = TinyBert.Create();
        var weights = StateDict.Of(model);
        weights.Remove("pooler.dense.bias");
        weights["classifier.weight"] = zeros(2, 16);
        weights["embeddings.word_embeddings.weight"] = zeros(51, 16);

        var error = Assert.Throws<ModelLoadException>(() => StateDict.Load(model, weights, "test.safetensors"));

        Assert.Contains("missing keys: pooler.dense.bias", error.Message);
        Assert.Contains("unexpected keys: classifier.weight", error.Message);
        Assert.Contains("embeddings.word_embeddings.weight (expected [50,16], found [51,16])", error.Message);
    }

    [Fact]
    public void Load_PrefixedTaskCheckpoint_StripsPrefixAndCopiesValues()
    {
        using var source = TinyBert.Create(seed: 1);
        using var target = TinyBert.Create(seed: 2);
        var prefixed = StateDict.Of(source).ToDictionary(kv => "bert." + kv.Key, kv => kv.Value);
        prefixed["bert.embeddings.position_ids"] = arange(32).unsqueeze(0);

        StateDict.Load(target, prefixed, "task.safetensors", stripPrefix: "bert.");

        var expected = StateDict.Of(source);
        foreach (var (name, tensor) in StateDict.Of(target))
        {
            Assert.True(tensor.bytes.SequenceEqual(expected[name].bytes), name);
        }
    }
}
