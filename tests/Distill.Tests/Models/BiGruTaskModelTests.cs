using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.Tests.Models;

public sealed class BiGruTaskModelTests
{
    private static readonly long[] Sentence = [2, 5, 6, 9, 12, 3];

    [Theory]
    [InlineData(TaskKind.Classification)]
    [InlineData(TaskKind.Tagging)]
    public void Forward_PaddedRow_SameOutputsAsTheRowAlone(TaskKind task)
    {
        using var model = TinyBiGru.Create(task: task);
        using var scope = NewDisposeScope();
        var alone = model.forward(tensor(Sentence, [1, 6]), ones(1, 6, dtype: ScalarType.Int64));
        long[] rows = [2, 7, 3, 0, 0, 0, 0, 0, .. Sentence, 0, 0];
        var padded = model.forward(tensor(rows, [2, 8]),
            tensor(new long[] { 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 8]));

        // The backward direction must start at the last real token: padding would change every state otherwise.
        var expected = task == TaskKind.Classification ? alone.Logits[0] : alone.Logits[0, ..6];
        var found = task == TaskKind.Classification ? padded.Logits[1] : padded.Logits[1, ..6];
        Assert.True(found.allclose(expected, rtol: 1e-5, atol: 1e-6));
        for (var layer = 0; layer < 3; layer++)
        {
            Assert.True(padded.HiddenStates[layer][1, ..6].allclose(alone.HiddenStates[layer][0], rtol: 1e-5, atol: 1e-6), $"layer {layer}");
        }
        Assert.Equal(0, padded.HiddenStates[2][1, 6..].abs().max().item<float>());
    }

    [Fact]
    public void Forward_TwoLayers_HiddenStatesPerLayerOfTheirWidths()
    {
        using var model = TinyBiGru.Create();
        using var scope = NewDisposeScope();

        var output = model.forward(tensor(Sentence, [1, 6]), ones(1, 6, dtype: ScalarType.Int64));

        Assert.Equal([1L, 2], output.Logits.shape);
        Assert.Equal([[1L, 6, 8], [1, 6, 12], [1, 6, 12]], output.HiddenStates.Select(h => h.shape));
    }

    [Fact]
    public void Forward_Classification_LogitsAreTheHeadOverTheMaxOverTokens()
    {
        using var model = TinyBiGru.Create();
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 7, 3, 0 }, [1, 4]);
        var output = model.forward(ids, tensor(new long[] { 1, 1, 1, 0 }, [1, 4]));

        var pooled = output.HiddenStates[2][0, ..3].amax([0]); // (12)
        var weights = model.state_dict();
        var expected = weights["classifier.weight"].matmul(pooled) + weights["classifier.bias"];
        Assert.True(output.Logits[0].allclose(expected, rtol: 1e-5, atol: 1e-6));
    }

    [Fact]
    public void Constructor_SameSeed_SameWeightsAndAZeroPaddingRow()
    {
        using var first = TinyBiGru.Create(seed: 7);
        using var second = TinyBiGru.Create(seed: 7);
        using var other = TinyBiGru.Create(seed: 8);

        var a = StateDict.Of(first);
        var b = StateDict.Of(second);
        Assert.All(a, kv => Assert.True(kv.Value.eq(b[kv.Key]).all().item<bool>(), kv.Key));
        Assert.False(a["gru.0.weight_ih_l0"].eq(StateDict.Of(other)["gru.0.weight_ih_l0"]).all().item<bool>());
        Assert.Equal(0, a["embeddings.word_embeddings.weight"][0].abs().sum().item<float>());
        Assert.Contains("gru.1.weight_hh_l0_reverse", a.Keys);
    }

    [Fact]
    public void Validate_BadFields_NamesEach()
    {
        var config = TinyBiGru.Config() with { Task = TaskKind.Qa, HiddenSize = 0, Labels = ["only"], PadTokenId = 99 };

        var error = Assert.Throws<ConfigException>(() => config.Validate("m/config.json"));

        Assert.Equal("m/config.json: task must be classification or tagging, found \"qa\" (a BiGRU has no QA head); hidden_size must be positive, found 0; "
            + $"pad_token_id must be in [0, vocab_size), found 99; labels must name at least 2 labels, found 1", error.Message);
    }
}
