using Distill.Onnx;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Export.Quantization;

/// <summary>
/// The weight side of both int8 passes (dynamic and static): which MatMul and Gather weights are quantized (float
/// initializers, 2-D, not excluded, not under the size floor), their int8 initializers, the Gather rewrite, and the
/// report of what was quantized and what was kept and why. The passes differ only in how the activations are quantized.
/// </summary>
internal sealed class Int8Weights(GraphProto proto, OnnxGraph graph, Int8Options options, UniqueNames names)
{
    private readonly HashSet<string> graphInputs = proto.Input.Select(i => i.Name).ToHashSet();
    private readonly Dictionary<string, QuantizedInitializer> weights = new();
    private readonly List<TensorProto> added = [];

    public List<QuantizedTensor> Quantized { get; } = [];
    public List<KeptTensor> Kept { get; } = [];

    /// <summary>The quantized weight a standard MatMul (input 1) or axis-0 Gather (input 0) reads, or null when
    /// the node is left as it is.</summary>
    public QuantizedInitializer? Of(NodeProto node)
    {
        var weightInput = node.Domain is "" or "ai.onnx" ? node.OpType switch
        {
            "MatMul" => 1,
            "Gather" when options.Embeddings && Axis(node) == 0 => 0,
            _ => -1,
        } : -1;
        return weightInput < 0 || node.Input.Count < 2 ? null : Weight(node, node.Input[weightInput]);
    }

    /// <summary>Drops the float weights nothing reads any more and adds the quantized ones.</summary>
    public void ReplaceInitializers(IReadOnlyList<NodeProto> nodes)
    {
        var read = nodes.SelectMany(n => n.Input).Concat(proto.Output.Select(o => o.Name)).ToHashSet();
        var unread = proto.Initializer.Where(i => weights.ContainsKey(i.Name) && !read.Contains(i.Name)).ToList();
        foreach (var initializer in unread) proto.Initializer.Remove(initializer);
        proto.Initializer.AddRange(added);
    }

    /// <summary>Adds a float initializer the pass needs (e.g. an activation's scale).</summary>
    public void Add(TensorProto initializer) => added.Add(initializer);

    /// <summary>Gathers int8 rows and dequantizes only those: dequantizing the whole table first would run over
    /// every row of the vocabulary on each call.</summary>
    public IEnumerable<NodeProto> Gather(NodeProto node, QuantizedInitializer weight)
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
        var weight = WeightQuantizer.Quantize(OnnxTensors.ReadFloats(initializer), rows, cols, options.WeightType, options.PerChannel,
            reduceRange: node.OpType != "Gather");
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
}

/// <summary>A weight's int8 initializers: data, scale(s), zero point(s).</summary>
internal sealed record QuantizedInitializer(QuantizedWeight Weight, string Data, string Scale, string ZeroPoint);
