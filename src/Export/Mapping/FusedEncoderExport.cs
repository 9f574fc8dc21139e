using Distill.Export.Graph;
using Distill.Models;
using Onnx;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.Bert;

namespace Distill.Export.Mapping;

/// <summary>
/// The BERT encoder as ONNX Runtime's fused contrib operators (domain com.microsoft), which its own optimizer does
/// not make with a dynamic sequence axis: one <c>EmbedLayerNormalization</c> for the three embeddings and their
/// LayerNorm, and per layer one <c>Attention</c> (Q, K and V as one (H, 3H) projection, the raw 0/1 mask, so any
/// padding side works), <c>SkipLayerNormalization</c> for each residual + bias + LayerNorm, and <c>BiasGelu</c>
/// (<c>FastGelu</c> for the tanh form) after the expansion. Batch and sequence stay dynamic. The file runs in
/// ONNX Runtime only.
/// </summary>
internal static class FusedEncoderExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="encoder">the encoder's weights (<c>embeddings.*</c>, <c>encoder.layer.N.*</c>)</param>
    /// <param name="config">sizes, heads, epsilon, activation</param>
    /// <param name="inputIds">(B, T) int64</param>
    /// <param name="attentionMask">(B, T) int64</param>
    /// <param name="tokenTypeIds">(B, T) int64</param>
    /// <param name="layers">how many encoder layers to emit, from the first (all of them unless the last is
    /// emitted apart, as <see cref="FirstTokenLayerExport"/> does)</param>
    /// <returns>the hidden state after <paramref name="layers"/> layers (B, T, H)</returns>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights encoder, BertConfig config, string inputIds, string attentionMask, string tokenTypeIds, int layers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(layers, config.NumHiddenLayers);
        if (config.HiddenAct is not ("gelu" or "gelu_new" or "gelu_pytorch_tanh"))
        {
            throw new ConfigException($"hidden_act \"{config.HiddenAct}\" has no fused export; fused: gelu (BiasGelu), gelu_new and gelu_pytorch_tanh (FastGelu)");
        }
        var epsilon = Attributes.Float("epsilon", (float)config.LayerNormEps);
        string Int32(string input) => graph.Node("Cast", $"{input}.int32", [input], Attributes.Int("to", (long)TensorProto.Types.DataType.Int32));
        // Only Attention reads the int32 mask: none without a layer here (a 1-layer classifier's one layer is emitted apart).
        var mask = layers > 0 ? Int32(attentionMask) : "";

        var embeddings = encoder.Child("embeddings");
        var hidden = graph.Contrib("EmbedLayerNormalization", [embeddings.Key("LayerNorm"), embeddings.Key("mask_index")],
        [
            Int32(inputIds), Int32(tokenTypeIds),
            embeddings.Initializer(graph, "word_embeddings.weight"), embeddings.Initializer(graph, "position_embeddings.weight"),
            embeddings.Initializer(graph, "token_type_embeddings.weight"),
            embeddings.Initializer(graph, "LayerNorm.weight"), embeddings.Initializer(graph, "LayerNorm.bias"),
        ], epsilon)[0];

        for (var i = 0; i < layers; i++)
        {
            var layer = encoder.Child($"encoder.layer.{i}");
            var self = layer.Child("attention.self");
            string[] qkv = ["query", "key", "value"];
            // (H, 3H): the three Linear weights, each transposed to (in, out), side by side.
            var weight = self.Initializer(graph, self.Key("qkv.weight"), qkv.Select(n => $"{n}.weight").ToList(), w => cat(w.Select(t => t.t()).ToList(), 1).contiguous());
            var bias = self.Initializer(graph, self.Key("qkv.bias"), qkv.Select(n => $"{n}.bias").ToList(), b => cat(b.ToList(), 0));
            var context = graph.Contrib("Attention", [self.Key("context")], [hidden, weight, bias, mask], Attributes.Int("num_heads", config.NumAttentionHeads))[0];
            var attended = SkipLayerNorm(graph, layer.Child("attention.output"), context, hidden, epsilon);

            var intermediate = layer.Child("intermediate");
            var expanded = graph.Node("MatMul", intermediate.Key("dense.matmul"), [attended, intermediate.TransposedInitializer(graph, "dense.weight")]);
            var activation = config.HiddenAct == "gelu" ? "BiasGelu" : "FastGelu";
            var activated = graph.Contrib(activation, [intermediate.Key("act")], [expanded, intermediate.Initializer(graph, "dense.bias")])[0];
            hidden = SkipLayerNorm(graph, layer.Child("output"), activated, attended, epsilon);
        }
        return hidden;
    }

    /// <summary>LayerNorm(x·Wᵀ + b + residual) of a <see cref="BertSelfOutput"/>: the projection as MatMul, the rest in one node.</summary>
    private static string SkipLayerNorm(OnnxGraphBuilder graph, ModuleWeights weights, string input, string residual, AttributeProto epsilon)
    {
        var projected = graph.Node("MatMul", weights.Key("dense.matmul"), [input, weights.TransposedInitializer(graph, "dense.weight")]);
        return graph.Contrib("SkipLayerNormalization", [weights.Key("LayerNorm")],
        [
            projected, residual, weights.Initializer(graph, "LayerNorm.weight"), weights.Initializer(graph, "LayerNorm.bias"),
            weights.Initializer(graph, "dense.bias"),
        ], epsilon)[0];
    }
}
