using Distill.DistillStudent.Adaptors;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

public sealed class BertQueryKeyValueTests
{
    private static (Tensor Ids, Tensor Mask) Batch() => (
        tensor(new long[] { 2, 5, 9, 11, 4, 3, 2, 7, 8, 3, 0, 0 }, [2, 6]),
        tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 6]));

    [Fact]
    public void QueryKeyValue_EveryLayer_GivesTheForwardPassAttention()
    {
        // The projections are recomputed from the layer's input: they must be the ones the forward pass attended with.
        using var model = TinyBert.Create();
        using var scope = NewDisposeScope();
        var (ids, mask) = Batch();
        var output = model.forward(ids, mask, outputAttentions: true);
        var keys = mask.to_type(ScalarType.Float32).view(2, 1, 1, 6);

        for (var layer = 0; layer < 2; layer++)
        {
            var (q, k, v) = model.QueryKeyValue(layer, output.HiddenStates[layer]);
            Assert.Equal(new long[] { 2, 6, 16 }, v.shape);
            var heads = (Tensor x) => x.view(2, 6, 4, 4).transpose(1, 2);                   // (B, heads, T, d)
            var scores = heads(q).matmul(heads(k).transpose(-1, -2)) / 2 + (1 - keys) * -1e9;  // √d = 2
            var attention = scores.softmax(-1);

            Assert.True((attention - output.Attentions![layer]).abs().max().item<float>() < 1e-5, $"layer {layer}");
        }
    }

    [Fact]
    public void QueryKeyValue_LayerOutOfRange_Throws()
    {
        using var model = TinyBert.Create();
        using var scope = NewDisposeScope();

        Assert.Throws<ArgumentOutOfRangeException>(() => model.QueryKeyValue(2, zeros(1, 2, 16)));
    }

    [Fact]
    public void Projections_ComputedUnderNoGrad_StayWithoutGradient()
    {
        // A teacher runs under no_grad and the distiller asks for its projections later, with gradients on.
        using var model = TinyBert.Create();
        using var scope = NewDisposeScope();
        var (ids, mask) = Batch();
        LayerProjections teacher;
        using (no_grad())
        {
            teacher = BertAdaptor.Projections(model, model.forward(ids, mask));
        }
        var student = BertAdaptor.Projections(model, model.forward(ids, mask));

        Assert.False(teacher.Require("value", 1, "teacher").requires_grad);
        Assert.True(student.Require("query", 0, "student").requires_grad);
        var error = Assert.Throws<InvalidOperationException>(() => student.Require("key", 2, "student"));
        Assert.Contains("no self-attention projections of layer 2; it has layers 0..1", error.Message);
    }
}
