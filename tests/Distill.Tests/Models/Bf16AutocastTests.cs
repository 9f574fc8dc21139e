using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Models.Bert;

namespace Distill.Tests.Models;

public sealed class Bf16AutocastTests
{
    private static (Tensor Ids, Tensor Mask) Batch()
    {
        // Row 1 ends in 2 padding positions, so the mask's float32 lowest value goes through the bf16 path.
        var ids = tensor(new long[] { 2, 5, 9, 11, 4, 3, 2, 7, 8, 3, 0, 0 }, [2, 6]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0 }, [2, 6]);
        return (ids, mask);
    }

    private static double RelativeError(Tensor actual, Tensor expected) =>
        (actual - expected).abs().max().item<float>() / (double)expected.abs().max().item<float>();

    [Theory]
    [InlineData(false)] // scaled_dot_product_attention
    [InlineData(true)] // explicit scores, softmax and product
    public void Forward_Bf16Scope_WithinBf16RoundingOfFloat32AndFloat32Out(bool outputAttentions)
    {
        using var model = TinyBert.Create();
        using var scope = NewDisposeScope();
        var (ids, mask) = Batch();

        var reference = model.forward(ids, mask, outputAttentions: outputAttentions);
        BertModelOutput mixed;
        using (Bf16Autocast.Enter()) mixed = model.forward(ids, mask, outputAttentions: outputAttentions);

        Assert.Equal(ScalarType.Float32, mixed.LastHiddenState.dtype);
        Assert.Equal(ScalarType.Float32, mixed.PooledOutput!.dtype);
        // bf16 keeps 8 significant bits (relative rounding 2^-9 ≈ 0.002 per value); a few products and sums stay within 1e-2.
        var error = RelativeError(mixed.LastHiddenState, reference.LastHiddenState);
        Assert.InRange(error, 1e-5, 1e-2); // and not 0: the scope did change the arithmetic
        if (outputAttentions)
        {
            Assert.All(mixed.Attentions!, a => Assert.Equal(ScalarType.Float32, a.dtype));
            Assert.InRange(RelativeError(mixed.Attentions![1], reference.Attentions![1]), 0, 1e-2);
            // The padded keys still get no attention: the mask did not overflow into NaN or lose its effect.
            Assert.Equal(0.0, mixed.Attentions![1][1, .., .., 4..].abs().max().item<float>(), 6);
        }
    }

    [Fact]
    public void Backward_Bf16Scope_Float32GradientsOnFloat32WeightsCloseToFloat32s()
    {
        using var model = TinyBert.Create(pooler: false); // every parameter then gets a gradient
        using var scope = NewDisposeScope();
        var (ids, mask) = Batch();
        var parameters = model.named_parameters().ToList();

        // A fixed random direction: LayerNorm's output has a constant norm, so its square would give next to no gradient.
        manual_seed(3);
        var direction = randn(2, 6, 16);
        model.forward(ids, mask).LastHiddenState.mul(direction).sum().backward();
        var reference = parameters.ToDictionary(p => p.name, p => p.parameter.grad!.clone());
        model.zero_grad();
        using (Bf16Autocast.Enter()) model.forward(ids, mask).LastHiddenState.mul(direction).sum().backward();

        Assert.All(parameters, p =>
        {
            Assert.Equal(ScalarType.Float32, p.parameter.dtype);
            Assert.Equal(ScalarType.Float32, p.parameter.grad!.dtype);
        });
        // Every gradient within bf16 rounding of float32's, except the key biases', which are 0 in exact arithmetic
        // (softmax does not see a constant added to every score) and only rounding noise in either precision.
        var errors = parameters.Where(p => !p.name.EndsWith("key.bias", StringComparison.Ordinal))
            .ToDictionary(p => p.name, p => RelativeError(p.parameter.grad!, reference[p.name]));
        Assert.All(errors, e => Assert.True(e.Value < 3e-2, $"{e.Key}: relative error {e.Value}"));
        Assert.True(errors["encoder.layer.0.attention.self.query.weight"] > 0);
    }

    [Fact]
    public void Enter_ScopesNestAndEnd_DisabledChangesNothing()
    {
        Assert.False(Bf16Autocast.IsEnabled);
        using (Bf16Autocast.Enter(enabled: false)) Assert.False(Bf16Autocast.IsEnabled);
        using (Bf16Autocast.Enter())
        {
            using (Bf16Autocast.Enter()) Assert.True(Bf16Autocast.IsEnabled);
            Assert.True(Bf16Autocast.IsEnabled);
            // Per thread, as autocast is: another thread's forward is untouched.
            var other = false;
            var thread = new Thread(() => other = Bf16Autocast.IsEnabled);
            thread.Start();
            thread.Join();
            Assert.False(other);
        }
        Assert.False(Bf16Autocast.IsEnabled);
    }

    [Fact]
    public void MaskAs_Float32Lowest_Bf16LowestNotInfinity()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var mask = tensor(new[] { 0f, float.MinValue });

        var low = Bf16Autocast.MaskAs(mask, ScalarType.BFloat16).to(ScalarType.Float32);

        Assert.Equal(0f, low[0].item<float>());
        // bf16's lowest finite value: -(2 - 2^-7) * 2^127.
        Assert.Equal(-(2 - Math.Pow(2, -7)) * Math.Pow(2, 127), low[1].item<float>(), 1e32);
    }
}
