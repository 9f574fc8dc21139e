using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Export.Quantization;

/// <summary>
/// Converts a float32 graph to float16 for GPU inference: float initializers, constants and casts become float16,
/// ops in <see cref="Float16Options.KeepInFloat32"/> compute in float32 between Casts, and the graph's inputs and
/// outputs keep their types (int64 ids in, float32 out), so callers do not change.
/// Every float tensor is stored in one precision (float32 for graph inputs, outputs of kept ops and initializers
/// only kept ops read; float16 otherwise); a Cast is inserted, once per tensor, wherever a reader needs the other.
/// </summary>
public static class Float16Converter
{
    /// <summary>The largest finite float16.</summary>
    public const float MaxFloat16 = 65504f;

    public static OnnxPassResult<Float16Report> Convert(ModelProto model, Float16Options? options = null)
    {
        options ??= new Float16Options();
        var result = model.Clone();
        var graph = OnnxTensors.Open(result);
        var proto = result.Graph;
        var types = TensorTypes.Infer(proto);
        var names = UniqueNames.Of(proto);
        bool IsFloat(string name) => name.Length > 0 && types.TryGetValue(name, out var t) && t == (int)DataType.Float;
        // A Constant given as value_float(s) has no tensor to convert: it runs as float32 and is cast after.
        bool Keeps(NodeProto node) => options.KeepInFloat32.Contains(node.OpType)
                                      || (node.OpType == "Constant" && node.Attribute.Any(a => a.Name is "value_float" or "value_floats"));

        var graphInputs = proto.Input.Select(i => i.Name).ToHashSet();
        var graphOutputs = proto.Output.Select(o => o.Name).ToHashSet();
        var float32 = graphInputs.Where(IsFloat).ToHashSet();
        long clamped = 0;
        int convertedInitializers = 0, keptInitializers = 0, convertedConstants = 0;
        for (var i = 0; i < proto.Initializer.Count; i++)
        {
            var initializer = proto.Initializer[i];
            if (!IsFloat(initializer.Name) || graphInputs.Contains(initializer.Name)) continue;
            var readers = graph.ConsumersOf(initializer.Name);
            if (readers.Count == 0 || readers.All(Keeps) || graphOutputs.Contains(initializer.Name))
            {
                float32.Add(initializer.Name);
                keptInitializers++;
                continue;
            }
            proto.Initializer[i] = ToFloat16(initializer, ref clamped);
            convertedInitializers++;
        }

        var kept = new Dictionary<string, int>();
        foreach (var node in proto.Node)
        {
            if (Keeps(node))
            {
                kept[node.OpType] = kept.GetValueOrDefault(node.OpType) + 1;
                float32.UnionWith(node.Output.Where(IsFloat));
                continue;
            }
            foreach (var attribute in node.Attribute)
            {
                if (node.OpType == "Cast" && attribute.Name == "to" && attribute.I == (long)DataType.Float)
                {
                    attribute.I = (long)DataType.Float16;
                }
                else if (node.OpType is "Constant" or "ConstantOfShape" && attribute.Name == "value" && attribute.T?.DataType == (int)DataType.Float)
                {
                    attribute.T = ToFloat16(attribute.T, ref clamped);
                    convertedConstants++;
                }
            }
        }

        var nodes = new List<NodeProto>();
        var casts = new Dictionary<(string Name, bool ToFloat32), string>();
        foreach (var node in proto.Node)
        {
            var wantsFloat32 = Keeps(node);
            for (var i = 0; i < node.Input.Count; i++)
            {
                var input = node.Input[i];
                if (!IsFloat(input) || float32.Contains(input) == wantsFloat32) continue;
                if (!casts.TryGetValue((input, wantsFloat32), out var converted))
                {
                    converted = names.Fresh($"{input}_{(wantsFloat32 ? "fp32" : "fp16")}");
                    casts[(input, wantsFloat32)] = converted;
                    nodes.Add(OnnxNodes.Cast(names.Fresh($"{input}_to_{(wantsFloat32 ? "fp32" : "fp16")}"), input, converted, wantsFloat32 ? DataType.Float : DataType.Float16));
                }
                node.Input[i] = converted;
            }
            nodes.Add(node);
        }
        var outputCasts = 0;
        foreach (var output in proto.Output.Where(o => IsFloat(o.Name) && !float32.Contains(o.Name)))
        {
            // The float16 value takes a new name inside the graph; the output's own name becomes the Cast's result.
            var internalName = names.Fresh($"{output.Name}_fp16");
            foreach (var node in nodes)
            {
                Rename(node.Input, output.Name, internalName);
                Rename(node.Output, output.Name, internalName);
            }
            nodes.Add(OnnxNodes.Cast(names.Fresh($"{output.Name}_to_fp32"), internalName, output.Name, DataType.Float));
            outputCasts++;
        }
        proto.Node.Clear();
        proto.Node.AddRange(nodes);
        // Declared intermediate types would now be wrong; ONNX Runtime infers them again.
        foreach (var info in proto.ValueInfo.Where(v => IsFloat(v.Name)).ToList()) proto.ValueInfo.Remove(info);

        var report = new Float16Report(convertedInitializers, keptInitializers, convertedConstants, clamped,
            casts.Count + outputCasts, kept, model.CalculateSize(), 0);
        if (!report.Changed) return new OnnxPassResult<Float16Report>(model, report with { BytesAfter = report.BytesBefore, NodesKeptInFloat32 = new Dictionary<string, int>() });
        return new OnnxPassResult<Float16Report>(result, report with { BytesAfter = result.CalculateSize() });
    }

    private static void Rename(Google.Protobuf.Collections.RepeatedField<string> names, string from, string to)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == from) names[i] = to;
        }
    }

    /// <summary>The same tensor in float16 (round to nearest even), finite values clamped to ±<see cref="MaxFloat16"/>.</summary>
    internal static TensorProto ToFloat16(TensorProto tensor, ref long clamped)
    {
        var values = OnnxTensors.ReadFloats(tensor);
        var raw = new byte[values.Length * 2];
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (float.IsFinite(value) && Math.Abs(value) > MaxFloat16)
            {
                value = Math.Sign(value) * MaxFloat16;
                clamped++;
            }
            BitConverter.TryWriteBytes(raw.AsSpan(i * 2), BitConverter.HalfToUInt16Bits((Half)value));
        }
        return OnnxTensors.Raw(tensor.Name, DataType.Float16, tensor.Dims, raw);
    }
}
