using Distill.Onnx;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Export.Quantization;

/// <summary>
/// Static (calibrated) int8 in QDQ form: every activation a quantized MatMul reads gets a QuantizeLinear →
/// DequantizeLinear pair whose uint8 scale and zero point are constants fixed from calibration ranges, and the
/// weight an int8 initializer behind a DequantizeLinear (per output column by default):
/// <code>
/// MatMul(x, W)  →  MatMul(DequantizeLinear(QuantizeLinear(x, xs, xz), xs, xz), DequantizeLinear(Wq, Ws, Wz, axis=1))
/// Gather(E, ids) → DequantizeLinear(Gather(Eq, ids), Es, Ez, axis=-1)
/// </code>
/// A sentence is then quantized the same way whatever batch it is in (dynamic int8 takes one scale over the whole
/// batch). Only standard ONNX ops (opset 13) are written, so any runtime loads the file; ONNX Runtime fuses each
/// DequantizeLinear pair and MatMul into its integer kernel (<c>MatMulIntegerToFloat</c>) at load.
/// </summary>
internal static class StaticInt8Quantizer
{
    /// <summary>Per-axis DequantizeLinear (per-channel weights) is opset 13.</summary>
    public const long MinimumOpset = DynamicInt8Quantizer.MinimumOpset;

    /// <summary>The activations the rewrite needs ranges for: the data input of every standard MatMul whose
    /// weight is a float initializer (a superset of those quantized; the rest cost only a little calibration).</summary>
    public static IReadOnlyList<string> Activations(ModelProto model)
    {
        var graph = OnnxTensors.Open(model);
        var inputs = model.Graph.Input.Select(i => i.Name).ToHashSet();
        return model.Graph.Node
            .Where(n => n.OpType == "MatMul" && n.Domain is "" or "ai.onnx" && n.Input.Count == 2
                        && !inputs.Contains(n.Input[1]) && graph.Initializers.TryGetValue(n.Input[1], out var w) && w.DataType == (int)DataType.Float)
            .Select(n => n.Input[0]).Distinct().ToList();
    }

    /// <param name="model">the float model; it is not modified</param>
    /// <param name="ranges">each activation's calibrated range (see <see cref="ActivationCalibrator"/>)</param>
    /// <param name="options">which weights, and how</param>
    public static OnnxPassResult<Int8Report> Quantize(ModelProto model, IReadOnlyDictionary<string, ActivationRange> ranges, Int8Options? options = null)
    {
        ArgumentNullException.ThrowIfNull(ranges);
        options ??= new Int8Options();
        return Int8Rewrite.Apply(model, (proto, graph) => new Rewrite(proto, graph, options, ranges));
    }

    private sealed class Rewrite : IInt8Rewrite
    {
        private readonly UniqueNames names;
        private readonly IReadOnlyDictionary<string, ActivationRange> ranges;
        /// <summary>The dequantized tensor that replaces each activation and each weight, made once however many MatMuls read it.</summary>
        private readonly Dictionary<string, string> dequantized = new();

        public Rewrite(GraphProto proto, OnnxGraph graph, Int8Options options, IReadOnlyDictionary<string, ActivationRange> ranges)
        {
            names = UniqueNames.Of(proto);
            this.ranges = ranges;
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
            var input = node.Input[0];
            var stem = node.Name.Length > 0 ? node.Name : node.Output[0];
            if (!dequantized.TryGetValue(input, out var activation))
            {
                if (!ranges.TryGetValue(input, out var range))
                {
                    throw new OnnxImportException($"no calibration range for \"{input}\", the input of MatMul \"{stem}\" (expected one for every name StaticInt8Quantizer.Activations lists: calibrate the model that is quantized)");
                }
                var (scale, zeroPoint) = range.UInt8();
                var scaleName = names.Fresh($"{input}_scale");
                var zeroPointName = names.Fresh($"{input}_zero_point");
                Weights.Add(OnnxTensors.Floats(scaleName, [], [scale]));
                Weights.Add(OnnxTensors.Raw(zeroPointName, DataType.Uint8, [], [zeroPoint]));
                var quantized = names.Fresh($"{input}_quantized");
                activation = names.Fresh($"{input}_dequantized");
                dequantized[input] = activation;
                yield return OnnxNodes.Make("QuantizeLinear", names.Fresh($"{input}_QuantizeLinear"), [input, scaleName, zeroPointName], [quantized]);
                yield return OnnxNodes.Make("DequantizeLinear", names.Fresh($"{input}_DequantizeLinear"), [quantized, scaleName, zeroPointName], [activation]);
            }
            if (!dequantized.TryGetValue(weight.Data, out var matrix))
            {
                matrix = names.Fresh($"{weight.Data}_dequantized");
                dequantized[weight.Data] = matrix;
                var dequantize = OnnxNodes.Make("DequantizeLinear", names.Fresh($"{stem}_weight_DequantizeLinear"), [weight.Data, weight.Scale, weight.ZeroPoint], [matrix]);
                // A (in, out) weight's output columns are axis 1.
                if (weight.Weight.PerChannel) dequantize.Attribute.Add(OnnxNodes.Int("axis", 1));
                yield return dequantize;
            }
            var matMul = OnnxNodes.Make("MatMul", stem, [activation, matrix], node.Output);
            matMul.Attribute.AddRange(node.Attribute);
            yield return matMul;
        }
    }
}
