using Distill.Export.Graph;

namespace Distill.Export.Mapping;

/// <summary>torch's Linear (<c>NAME.weight</c>, <c>NAME.bias</c>) as <c>Add(MatMul(x, Wᵀ), b)</c>, the form ONNX Runtime fuses.</summary>
internal static class LinearExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the weights of the module holding the Linear</param>
    /// <param name="name">the Linear's name in that module (e.g. <c>query</c>, <c>dense</c>)</param>
    /// <param name="input">(…, in)</param>
    /// <returns>(…, out)</returns>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights weights, string name, string input)
    {
        var key = weights.Key(name);
        var product = graph.Node("MatMul", $"{key}.matmul", [input, weights.TransposedInitializer(graph, $"{name}.weight")]);
        return graph.Node("Add", key, [product, weights.Initializer(graph, $"{name}.bias")]);
    }
}
