using Distill.Onnx;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Export.Quantization;

/// <summary>
/// Dynamic int8 quantization, as ONNX Runtime's <c>quantize_dynamic</c> defines it, written as a graph rewrite:
/// weights are quantized once, here; activations are quantized at run time, per tensor, to uint8.
/// <code>
/// MatMul(x, W)  →  DynamicQuantizeLinear(x) → (xq, xs, xz)
///                  MatMulInteger(xq, Wq, xz, Wz) → Cast(float) → Mul(·, Mul(xs, Ws))
/// Gather(E, ids) → Gather(Eq, ids) → DequantizeLinear(·, Es, Ez, axis=-1)
/// </code>
/// Only standard ONNX ops (opset 13) are written; ONNX Runtime's optimiser (ORT_ENABLE_EXTENDED and above) fuses
/// the MatMul chain, with the Add of a bias after it, into its contrib <c>MatMulIntegerToFloat</c> or
/// <c>DynamicQuantizeMatMul</c> kernels. One <c>DynamicQuantizeLinear</c> serves every MatMul that reads the
/// same activation (Q, K and V share theirs).
/// </summary>
internal static class DynamicInt8Quantizer
{
    /// <summary>Per-axis DequantizeLinear, which per-channel embeddings need, is opset 13.</summary>
    public const long MinimumOpset = Int8Rewrite.MinimumOpset;

    public static OnnxPassResult<Int8Report> Quantize(ModelProto model, Int8Options? options = null)
    {
        options ??= new Int8Options();
        return Int8Rewrite.Apply(model, (proto, graph) => new Rewrite(proto, graph, options));
    }

    private sealed record QuantizedActivation(string Data, string Scale, string ZeroPoint);

    private sealed class Rewrite : IInt8Rewrite
    {
        private readonly UniqueNames names;
        private readonly Dictionary<string, QuantizedActivation> activations = new();

        public Rewrite(GraphProto proto, OnnxGraph graph, Int8Options options)
        {
            names = UniqueNames.Of(proto);
            Weights = new Int8Weights(proto, graph, options, names);
        }

        public Int8Weights Weights { get; }

        /// <inheritdoc/>
        public IEnumerable<NodeProto> Node(NodeProto node)
        {
            if (Weights.Of(node) is not { } weight) return [node];
            return node.OpType == "MatMul" ? MatMul(node, weight) : Weights.Gather(node, weight);
        }

        private IEnumerable<NodeProto> MatMul(NodeProto node, QuantizedInitializer weight)
        {
            var (input, output) = (node.Input[0], node.Output[0]);
            var stem = node.Name.Length > 0 ? node.Name : output;
            if (!activations.TryGetValue(input, out var activation))
            {
                activation = new QuantizedActivation(names.Fresh($"{input}_quantized"), names.Fresh($"{input}_scale"), names.Fresh($"{input}_zero_point"));
                activations[input] = activation;
                yield return OnnxNodes.Make("DynamicQuantizeLinear", names.Fresh($"{input}_DynamicQuantizeLinear"), [input], [activation.Data, activation.Scale, activation.ZeroPoint]);
            }
            var integer = names.Fresh($"{output}_int32");
            var asFloat = names.Fresh($"{output}_float");
            var scale = names.Fresh($"{output}_scale");
            yield return OnnxNodes.Make("MatMulInteger", names.Fresh($"{stem}_MatMulInteger"), [activation.Data, weight.Data, activation.ZeroPoint, weight.ZeroPoint], [integer]);
            yield return OnnxNodes.Cast(names.Fresh($"{stem}_Cast"), integer, asFloat, DataType.Float);
            yield return OnnxNodes.Make("Mul", names.Fresh($"{stem}_scale_Mul"), [activation.Scale, weight.Scale], [scale]);
            yield return OnnxNodes.Make("Mul", names.Fresh($"{stem}_Mul"), [asFloat, scale], [output]);
        }
    }
}
