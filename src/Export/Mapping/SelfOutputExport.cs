using Distill.Export.Graph;
using Distill.Models;
using Distill.Models.Bert;

namespace Distill.Export.Mapping;

/// <summary><see cref="BertSelfOutput"/>: projection, residual Add, LayerNorm (ONNX Runtime fuses the last two into SkipLayerNormalization).</summary>
internal static class SelfOutputExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the <c>attention.output.*</c> or <c>output.*</c> weights</param>
    /// <param name="config">for the epsilon</param>
    /// <param name="hidden">the sub-layer's output</param>
    /// <param name="residual">the sub-layer's input (B, T, H)</param>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights weights, BertConfig config, string hidden, string residual)
    {
        var projected = LinearExport.Emit(graph, weights, "dense", hidden);
        var sum = graph.Node("Add", weights.Key("residual"), [projected, residual]);
        return LayerNormExport.Emit(graph, weights, config, sum);
    }
}
