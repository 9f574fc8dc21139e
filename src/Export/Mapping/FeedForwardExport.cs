using Distill.Export.Graph;
using Distill.Models;
using Distill.Errors;
using Distill.Models.Bert;

namespace Distill.Export.Mapping;

/// <summary>
/// <see cref="BertIntermediate"/>: the expansion and its activation. Gelu is spelt with Erf as torch exports it
/// (ONNX Runtime fuses it with the bias into BiasGelu); the tanh form with Pow and Tanh (fused into FastGelu).
/// </summary>
internal static class FeedForwardExport
{
    /// <param name="graph">the graph to add to</param>
    /// <param name="weights">the <c>intermediate.*</c> weights</param>
    /// <param name="config">the activation</param>
    /// <param name="hidden">(B, T, H)</param>
    /// <returns>(B, T, intermediate_size)</returns>
    public static string Emit(OnnxGraphBuilder graph, ModuleWeights weights, BertConfig config, string hidden)
    {
        var x = LinearExport.Emit(graph, weights, "dense", hidden);
        var name = weights.Key("act");
        switch (config.HiddenAct)
        {
            case "gelu":
            {
                // x · ½ · (1 + erf(x / √2))
                var scaled = graph.Node("Div", $"{name}.scaled", [x, graph.Scalar((float)Math.Sqrt(2.0))]);
                var erf = graph.Node("Erf", $"{name}.erf", [scaled]);
                var shifted = graph.Node("Add", $"{name}.shifted", [erf, graph.Scalar(1f)]);
                var product = graph.Node("Mul", $"{name}.product", [x, shifted]);
                return graph.Node("Mul", name, [product, graph.Scalar(0.5f)]);
            }
            case "gelu_new" or "gelu_pytorch_tanh":
            {
                // x · ½ · (1 + tanh(√(2/π) · (x + 0.044715 x³))), as Activations.GeluTanh computes it
                var cube = graph.Node("Pow", $"{name}.cube", [x, graph.Scalar(3f)]);
                var cubeScaled = graph.Node("Mul", $"{name}.cube_scaled", [cube, graph.Scalar(0.044715f)]);
                var sum = graph.Node("Add", $"{name}.sum", [x, cubeScaled]);
                var inner = graph.Node("Mul", $"{name}.inner", [sum, graph.Scalar((float)Math.Sqrt(2.0 / Math.PI))]);
                var tanh = graph.Node("Tanh", $"{name}.tanh", [inner]);
                var shifted = graph.Node("Add", $"{name}.shifted", [tanh, graph.Scalar(1f)]);
                var half = graph.Node("Mul", $"{name}.half", [x, graph.Scalar(0.5f)]);
                return graph.Node("Mul", name, [half, shifted]);
            }
            case "relu":
                return graph.Node("Relu", name, [x]);
            default:
                throw new ConfigException($"hidden_act \"{config.HiddenAct}\" has no ONNX export; exportable: gelu, gelu_new, gelu_pytorch_tanh, relu");
        }
    }
}
