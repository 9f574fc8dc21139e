using Distill.Export.Graph;
using Distill.Models;
using Distill.Models.Bert;

namespace Distill.Export.Mapping;

/// <summary><see cref="BertPooler"/>: the first ([CLS]) token through dense + tanh.</summary>
internal static class PoolerExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the <c>pooler.*</c> weights</param>
    /// <param name="hidden">(B, T, H)</param>
    /// <returns>(B, H)</returns>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights weights, string hidden) =>
        OfFirstToken(graph, weights, FirstToken(graph, weights.Key("first_token"), hidden));

    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the <c>pooler.*</c> weights</param>
    /// <param name="first">the last hidden state at position 0 (B, H)</param>
    /// <returns>(B, H)</returns>
    public static string OfFirstToken(OnnxGraphBuilder graph, ModuleWeights weights, string first) =>
        graph.Node("Tanh", weights.Key("tanh"), [LinearExport.Emit(graph, weights, "dense", first)]);

    /// <summary>hidden[:, 0]: (B, T, H) → (B, H).</summary>
    private static string FirstToken(OnnxGraphBuilder graph, string name, string hidden) =>
        graph.Node("Gather", name, [hidden, graph.Int64Scalar(0)], Attributes.Int("axis", 1));
}
