using Distill.Onnx;
using Onnx;

namespace Distill.Export.Quantization;

/// <summary>
/// What the static and the dynamic int8 forms share: a node-by-node rewrite of a clone of the model, the opset check
/// once anything was quantized, and the swap of the float initializers for their int8 ones.
/// </summary>
internal interface IInt8Rewrite
{
    Int8Weights Weights { get; }

    /// <summary>The nodes that replace <paramref name="node"/>: itself when it is not quantized.</summary>
    IEnumerable<NodeProto> Node(NodeProto node);
}

internal static class Int8Rewrite
{
    /// <summary>Per-axis DequantizeLinear, which per-channel weights need, is opset 13.</summary>
    public const long MinimumOpset = 13;

    /// <param name="model">the float model; it is not modified</param>
    /// <param name="make">the form's rewrite over the clone's graph</param>
    public static OnnxPassResult<Int8Report> Apply(ModelProto model, Func<GraphProto, OnnxGraph, IInt8Rewrite> make)
    {
        var result = model.Clone();
        var rewrite = make(result.Graph, OnnxTensors.Open(result));
        var nodes = result.Graph.Node.Select(rewrite.Node).SelectMany(n => n).ToList();
        if (rewrite.Weights.Quantized.Count > 0 && OnnxTensors.DefaultOpset(result) < MinimumOpset)
        {
            throw new OnnxImportException($"the ONNX model imports opset {OnnxTensors.DefaultOpset(result)}; int8 quantization needs opset {MinimumOpset} or later (re-export with --opset 17)");
        }
        result.Graph.Node.Clear();
        result.Graph.Node.AddRange(nodes);
        rewrite.Weights.ReplaceInitializers(nodes);
        var report = new Int8Report(rewrite.Weights.Quantized, rewrite.Weights.Kept, model.CalculateSize(), result.CalculateSize());
        return new OnnxPassResult<Int8Report>(rewrite.Weights.Quantized.Count > 0 ? result : model, report);
    }
}
