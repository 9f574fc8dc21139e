using Distill.Export.Graph;
using Onnx;

namespace Distill.Export.Mapping;

/// <summary>
/// The additive attention mask <c>(1 - mask) * -10000</c>, shaped (B, 1, 1, T), as the classic Hugging Face
/// BERT export writes it: ONNX Runtime's Attention fusion matches exactly this chain (and this constant).
/// Our model adds the dtype's lowest value instead; after softmax both give exactly 0 in float32.
/// </summary>
internal static class AttentionMaskExport
{
    public const float MaskedScore = -10000f;

    /// <param name="graph">the graph to add to</param>
    /// <param name="attentionMask">(B, T) int64, 1 for real tokens</param>
    /// <returns>(B, 1, 1, T) float</returns>
    public static string Emit(OnnxGraphBuilder graph, string attentionMask)
    {
        var rows = graph.Node("Unsqueeze", "mask.unsqueeze1", [attentionMask, graph.Int64s(1)]);
        return Additive(graph, "mask", graph.Node("Unsqueeze", "mask.unsqueeze2", [rows, graph.Int64s(2)]));
    }

    /// <summary>The same mask for one query per head (<see cref="FirstTokenLayerExport"/>'s scores are (B, heads, T)).</summary>
    /// <param name="graph">the graph to add to</param>
    /// <param name="attentionMask">(B, T) int64, 1 for real tokens</param>
    /// <returns>(B, 1, T) float</returns>
    public static string ForOneQuery(OnnxGraphBuilder graph, string attentionMask) =>
        Additive(graph, "mask.one_query", graph.Node("Unsqueeze", "mask.one_query.unsqueeze", [attentionMask, graph.Int64s(1)]));

    private static string Additive(OnnxGraphBuilder graph, string name, string mask)
    {
        var floats = graph.Node("Cast", $"{name}.float", [mask], Attributes.Int("to", (long)TensorProto.Types.DataType.Float));
        var inverted = graph.Node("Sub", $"{name}.inverted", [graph.Scalar(1f), floats]);
        return graph.Node("Mul", $"{name}.additive", [inverted, graph.Scalar(MaskedScore)]);
    }
}
