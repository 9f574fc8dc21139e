using Distill.Export.Graph;
using Distill.Models;

namespace Distill.Export.Mapping;

/// <summary>torch's LayerNorm over the last axis as one LayerNormalization node (opset 17).</summary>
internal static class LayerNormExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the weights of the module holding the norm (its <c>LayerNorm.weight</c> and <c>.bias</c>)</param>
    /// <param name="config">for the epsilon</param>
    /// <param name="input">(…, H)</param>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights weights, BertConfig config, string input) =>
        graph.Node("LayerNormalization", weights.Key("LayerNorm"),
            [input, weights.Initializer(graph, "LayerNorm.weight"), weights.Initializer(graph, "LayerNorm.bias")],
            Attributes.Int("axis", -1), Attributes.Float("epsilon", (float)config.LayerNormEps));
}
