using Distill.Export.Graph;
using Distill.Models;
using Distill.Models.Bert;

namespace Distill.Export.Mapping;

/// <summary>
/// <see cref="BertSelfAttention"/> written out op by op (no fused kernel), in the layout ONNX Runtime's
/// Attention fusion recognises: Q, K, V projections, Reshape to (B, T, heads, d) with a constant shape,
/// K transposed straight to (B, heads, d, T), scores divided by √d, mask added, Softmax on axis 3.
/// </summary>
internal static class SelfAttentionExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the <c>attention.self.*</c> weights</param>
    /// <param name="config">heads and head size</param>
    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T), from <see cref="AttentionMaskExport"/></param>
    /// <returns>the context (B, T, H), before the output projection</returns>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights weights, BertConfig config, string hidden, string additiveMask)
    {
        var heads = config.NumAttentionHeads;
        var size = config.HeadSize;
        var splitShape = graph.Int64s(0, 0, heads, size);
        string Heads(string name, long[] perm)
        {
            var projected = LinearExport.Emit(graph, weights, name, hidden);
            var split = graph.Node("Reshape", $"{weights.Key(name)}.heads", [projected, splitShape]);
            return graph.Node("Transpose", $"{weights.Key(name)}.transposed", [split], Attributes.Ints("perm", perm));
        }

        var q = Heads("query", [0, 2, 1, 3]); // (B, heads, T, d)
        var k = Heads("key", [0, 2, 3, 1]);   // (B, heads, d, T)
        var v = Heads("value", [0, 2, 1, 3]); // (B, heads, T, d)
        var scores = graph.Node("MatMul", weights.Key("scores"), [q, k]); // (B, heads, T, T)
        var scaled = graph.Node("Div", weights.Key("scaled"), [scores, graph.Scalar((float)Math.Sqrt(size))]);
        var masked = graph.Node("Add", weights.Key("masked"), [scaled, additiveMask]);
        var probabilities = graph.Node("Softmax", weights.Key("probabilities"), [masked], Attributes.Int("axis", 3));
        var context = graph.Node("MatMul", weights.Key("context"), [probabilities, v]); // (B, heads, T, d)
        var merged = graph.Node("Transpose", weights.Key("context.transposed"), [context], Attributes.Ints("perm", 0, 2, 1, 3));
        return graph.Node("Reshape", weights.Key("context.merged"), [merged, graph.Int64s(0, 0, heads * size)]); // (B, T, H)
    }
}
