using Distill.DistillStudent.Configuration;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Adaptors;

/// <summary>
/// A model's self-attention projections by layer (0 = the first layer's), each (B, T, H) with the heads
/// concatenated: what the <c>query</c>, <c>key</c> and <c>value</c> features of relation matches read. A model computes
/// them on demand, for the layers a match asks for only, in the gradient mode of its forward pass (a teacher's under
/// no_grad stays so when the distiller asks later); a cache hands over the ones it holds.
/// </summary>
internal sealed class LayerProjections
{
    private readonly Func<int, (Tensor Query, Tensor Key, Tensor Value)?> compute;
    private readonly Dictionary<int, (Tensor Query, Tensor Key, Tensor Value)> known = [];
    private readonly bool gradients;
    private readonly string layers;

    private LayerProjections(Func<int, (Tensor Query, Tensor Key, Tensor Value)?> compute, string layers, IReadOnlyList<Tensor> given)
    {
        this.compute = compute;
        this.layers = layers;
        Given = given;
        gradients = is_grad_enabled();
    }

    /// <summary>The tensors handed over by <see cref="Of"/> (a cache's), which the batch carrying them disposes; empty for computed ones.</summary>
    public IReadOnlyList<Tensor> Given { get; }

    /// <summary>Computed when asked by <paramref name="compute"/> (null for a layer the model lacks), with gradients if they are on now.</summary>
    /// <param name="compute">layer → its projections</param>
    /// <param name="count">the model's layers, for errors</param>
    public static LayerProjections OnDemand(Func<int, (Tensor Query, Tensor Key, Tensor Value)?> compute, int count) =>
        new(compute, count == 0 ? "none" : $"0..{count - 1}", []);

    /// <summary>The projections of the layers given (a cache's).</summary>
    public static LayerProjections Of(IReadOnlyDictionary<int, (Tensor Query, Tensor Key, Tensor Value)> byLayer) =>
        new(layer => byLayer.TryGetValue(layer, out var p) ? p : null, $"[{string.Join(", ", byLayer.Keys.Order())}]",
            byLayer.Values.SelectMany(p => new[] { p.Query, p.Key, p.Value }).ToList());

    /// <summary>The <paramref name="feature"/> (query, key or value) of <paramref name="layer"/>, or an error naming who lacks it.</summary>
    public Tensor Require(string feature, int layer, string who)
    {
        if (!known.TryGetValue(layer, out var projections))
        {
            using var mode = set_grad_enabled(gradients);
            projections = compute(layer) ?? throw new InvalidOperationException($"the {who} adaptor has no self-attention projections of layer {layer}; it has layers {layers}");
            known[layer] = projections;
        }
        return feature switch
        {
            "query" => projections.Query,
            "key" => projections.Key,
            "value" => projections.Value,
            _ => throw new ArgumentException($"feature \"{feature}\" is not a projection; known: {string.Join(", ", IntermediateMatch.Projections)}", nameof(feature)),
        };
    }
}
