using Distill.Export.Graph;
using Distill.Models;
using Distill.Models.Bert;

namespace Distill.Export.Mapping;

/// <summary><see cref="BertLayer"/>: attention, its output (residual + LayerNorm), feed-forward, its output.</summary>
internal static class LayerExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the <c>encoder.layer.N.*</c> weights</param>
    /// <param name="config">sizes, heads, activation</param>
    /// <param name="hidden">(B, T, H)</param>
    /// <param name="additiveMask">(B, 1, 1, T)</param>
    /// <returns>(B, T, H)</returns>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights weights, BertConfig config, string hidden, string additiveMask)
    {
        var attention = weights.Child("attention");
        var context = SelfAttentionExport.Emit(graph, attention.Child("self"), config, hidden, additiveMask);
        var attended = SelfOutputExport.Emit(graph, attention.Child("output"), config, context, hidden);
        var expanded = FeedForwardExport.Emit(graph, weights.Child("intermediate"), config, attended);
        return SelfOutputExport.Emit(graph, weights.Child("output"), config, expanded, attended);
    }
}
