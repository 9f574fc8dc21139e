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
public static class DynamicInt8Quantizer
{
    /// <summary>Per-axis DequantizeLinear, which per-channel embeddings need, is opset 13.</summary>
    public const long MinimumOpset = 13;

    public static OnnxPassResult<Int8Report> Quantize(ModelProto model, Int8Options? options = null)
    {
        options ??= new Int8Options();
        var result = model.Clone();
        var graph = OnnxTensors.Open(result);
        var rewrite = new Rewrite(result.Graph, graph, options);
        var nodes = result.Graph.Node.Select(rewrite.Node).SelectMany(n => n).ToList();
        if (rewrite.Quantized.Count > 0 && OnnxTensors.DefaultOpset(result) < MinimumOpset)
        {
            throw new OnnxImportException($"the ONNX model imports opset {OnnxTensors.DefaultOpset(result)}; int8 quantization needs opset {MinimumOpset} or later (re-export with --opset 17)");
        }
        result.Graph.Node.Clear();
        result.Graph.Node.AddRange(nodes);
        rewrite.ReplaceInitializers(nodes);
        var report = new Int8Report(rewrite.Quantized, rewrite.Kept, model.CalculateSize(), result.CalculateSize());
        return new OnnxPassResult<Int8Report>(rewrite.Quantized.Count > 0 ? result : model, report);
    }

    private sealed record QuantizedInitializer(QuantizedWeight Weight, string Data, string Scale, string ZeroPoint);

    private sealed record QuantizedActivation(string Data, string Scale, string ZeroPoint);

    private sealed class Rewrite(GraphProto proto, OnnxGraph graph, Int8Options options)
    {
        private readonly UniqueNames names = UniqueNames.Of(proto);
        private readonly HashSet<string> graphInputs = proto.Input.Select(i => i.Name).ToHashSet();
        private readonly Dictionary<string, QuantizedInitializer> weights = new();
        private readonly Dictionary<string, QuantizedActivation> activations = new();
        private readonly List<TensorProto> added = [];

        public List<QuantizedTensor> Quantized { get; } = [];
        public List<KeptTensor> Kept { get; } = [];

        /// <summary>The nodes that replace <paramref name="node"/>: itself when it is not quantized.</summary>
        public IEnumerable<NodeProto> Node(NodeProto node)
        {
            var weightInput = node.Domain is "" or "ai.onnx" ? node.OpType switch
            {
                "MatMul" => 1,
                "Gather" when options.Embeddings && Axis(node) == 0 => 0,
                _ => -1,
            } : -1;
            if (weightInput < 0 || node.Input.Count < 2 || Weight(node, node.Input[weightInput]) is not { } weight)
            {
                return [node];
            }
            return node.OpType == "MatMul" ? MatMul(node, weight) : Gather(node, weight);
        }

        /// <summary>Drops the float weights nothing reads any more and adds the quantized ones.</summary>
        public void ReplaceInitializers(IReadOnlyList<NodeProto> nodes)
        {
            var read = nodes.SelectMany(n => n.Input).Concat(proto.Output.Select(o => o.Name)).ToHashSet();
            var unread = proto.Initializer.Where(i => weights.ContainsKey(i.Name) && !read.Contains(i.Name)).ToList();
            foreach (var initializer in unread) proto.Initializer.Remove(initializer);
            proto.Initializer.AddRange(added);
        }

        private static long Axis(NodeProto node) => node.Attribute.FirstOrDefault(a => a.Name == "axis")?.I ?? 0;

        private QuantizedInitializer? Weight(NodeProto node, string name)
        {
            if (weights.TryGetValue(name, out var done)) return done;
            // A graph input of the same name may override an initializer at run time: not a constant weight.
            if (graphInputs.Contains(name) || !graph.Initializers.TryGetValue(name, out var initializer)
                || initializer.DataType != (int)DataType.Float || Kept.Any(k => k.Name == name))
            {
                return null;
            }
            var elements = OnnxTensors.ElementCount(initializer);
            var reason = initializer.Dims.Count != 2 ? $"{initializer.Dims.Count}-D, not a matrix"
                : options.Exclude.Contains(name) || options.Exclude.Contains(node.Name) ? "excluded"
                : elements < options.MinimumElements ? $"{elements} elements < minimum {options.MinimumElements}"
                : null;
            if (reason is not null)
            {
                Kept.Add(new KeptTensor(name, node.OpType, reason));
                return null;
            }

            var (rows, cols) = ((int)initializer.Dims[0], (int)initializer.Dims[1]);
            var weight = WeightQuantizer.Quantize(OnnxTensors.ReadFloats(initializer), rows, cols, options.WeightType, options.PerChannel);
            var type = options.WeightType == Int8WeightType.Int8 ? DataType.Int8 : DataType.Uint8;
            long[] perChannel = options.PerChannel ? [cols] : [];
            var quantized = new QuantizedInitializer(weight, names.Fresh($"{name}_quantized"), names.Fresh($"{name}_scale"), names.Fresh($"{name}_zero_point"));
            added.Add(OnnxTensors.Raw(quantized.Data, type, initializer.Dims, weight.Data));
            added.Add(OnnxTensors.Floats(quantized.Scale, perChannel, weight.Scales));
            added.Add(OnnxTensors.Raw(quantized.ZeroPoint, type, perChannel, weight.ZeroPoints));
            weights[name] = quantized;
            Quantized.Add(new QuantizedTensor(name, node.OpType, rows, cols, options.PerChannel, options.WeightType));
            return quantized;
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

        private IEnumerable<NodeProto> Gather(NodeProto node, QuantizedInitializer weight)
        {
            var output = node.Output[0];
            var stem = node.Name.Length > 0 ? node.Name : output;
            var gathered = names.Fresh($"{output}_quantized");
            var gather = OnnxNodes.Make("Gather", names.Fresh($"{stem}_quantized"), [weight.Data, node.Input[1]], [gathered]);
            gather.Attribute.AddRange(node.Attribute);
            yield return gather;
            var dequantize = OnnxNodes.Make("DequantizeLinear", names.Fresh($"{stem}_DequantizeLinear"), [gathered, weight.Scale, weight.ZeroPoint], [output]);
            if (weight.Weight.PerChannel)
            {
                // The table's columns are the gathered rows' last axis, whatever the rank of the ids.
                dequantize.Attribute.Add(OnnxNodes.Int("axis", -1));
            }
            yield return dequantize;
        }
    }
}
