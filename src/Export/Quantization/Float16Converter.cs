using Distill.Onnx;
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
internal static class Float16Converter
{
    /// <summary>The largest finite float16.</summary>
    public const float MaxFloat16 = 65504f;

    public static OnnxPassResult<Float16Report> Convert(ModelProto model, Float16Options? options = null)
    {
        var result = model.Clone();
        var conversion = new Conversion(result, options ?? new Float16Options());
        conversion.ConvertInitializers();
        conversion.ConvertNodes();
        var casts = conversion.InsertCasts();
        var report = new Float16Report(conversion.ConvertedInitializers, conversion.KeptInitializers, conversion.ConvertedConstants,
            conversion.Clamped, casts, conversion.KeptNodes, model.CalculateSize(), result.CalculateSize());
        return report.Changed
            ? new OnnxPassResult<Float16Report>(result, report)
            : new OnnxPassResult<Float16Report>(model, report with { BytesAfter = report.BytesBefore, NodesKeptInFloat32 = new Dictionary<string, int>() });
    }

    /// <summary>The same tensor in float16 (round to nearest even), finite values clamped to ±<see cref="MaxFloat16"/>.</summary>
    private static TensorProto ToFloat16(TensorProto tensor, ref long clamped)
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

    private sealed class Conversion
    {
        private readonly GraphProto proto;
        private readonly OnnxGraph graph;
        private readonly Float16Options options;
        private readonly Dictionary<string, int> types;
        private readonly UniqueNames names;
        private readonly HashSet<string> graphInputs;
        /// <summary>The float tensors stored in float32; every other float tensor is float16.</summary>
        private readonly HashSet<string> float32;
        private long clamped;

        public Conversion(ModelProto model, Float16Options options)
        {
            graph = OnnxTensors.Open(model);
            proto = model.Graph;
            this.options = options;
            types = TensorTypes.Infer(proto);
            names = UniqueNames.Of(proto);
            graphInputs = proto.Input.Select(i => i.Name).ToHashSet();
            float32 = graphInputs.Where(IsFloat).ToHashSet();
        }

        public int ConvertedInitializers { get; private set; }
        public int KeptInitializers { get; private set; }
        public int ConvertedConstants { get; private set; }
        public long Clamped => clamped;
        public Dictionary<string, int> KeptNodes { get; } = new();

        private bool IsFloat(string name) => name.Length > 0 && types.TryGetValue(name, out var t) && t == (int)DataType.Float;

        /// <summary>Kept ops, and the two that make float32 with no tensor to convert (Constant from value_float(s),
        /// ConstantOfShape with its default 0): those run as they are and are cast after.</summary>
        private bool Keeps(NodeProto node) =>
            options.KeepInFloat32.Contains(node.OpType)
            || (node.OpType == "Constant" && node.Attribute.Any(a => a.Name is "value_float" or "value_floats"))
            || (node.OpType == "ConstantOfShape" && node.Attribute.All(a => a.Name != "value"));

        public void ConvertInitializers()
        {
            var graphOutputs = proto.Output.Select(o => o.Name).ToHashSet();
            for (var i = 0; i < proto.Initializer.Count; i++)
            {
                var initializer = proto.Initializer[i];
                if (!IsFloat(initializer.Name) || graphInputs.Contains(initializer.Name)) continue;
                var readers = graph.ConsumersOf(initializer.Name);
                if (readers.Count == 0 || readers.All(Keeps) || graphOutputs.Contains(initializer.Name))
                {
                    float32.Add(initializer.Name);
                    KeptInitializers++;
                    continue;
                }
                proto.Initializer[i] = ToFloat16(initializer, ref clamped);
                ConvertedInitializers++;
            }
        }

        /// <summary>Kept nodes mark their float outputs float32; the others get float16 casts and constants.</summary>
        public void ConvertNodes()
        {
            foreach (var node in proto.Node)
            {
                if (Keeps(node))
                {
                    KeptNodes[node.OpType] = KeptNodes.GetValueOrDefault(node.OpType) + 1;
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
                        ConvertedConstants++;
                    }
                }
            }
        }

        /// <summary>Casts each float input that its reader wants in the other precision, and each float16 graph output
        /// back to float32; returns how many Casts were inserted.</summary>
        public int InsertCasts()
        {
            var nodes = new List<NodeProto>();
            var casts = new Dictionary<(string Name, bool ToFloat32), string>();
            foreach (var node in proto.Node)
            {
                var wantsFloat32 = Keeps(node);
                var suffix = wantsFloat32 ? "fp32" : "fp16";
                for (var i = 0; i < node.Input.Count; i++)
                {
                    var input = node.Input[i];
                    if (!IsFloat(input) || float32.Contains(input) == wantsFloat32) continue;
                    if (!casts.TryGetValue((input, wantsFloat32), out var converted))
                    {
                        converted = names.Fresh($"{input}_{suffix}");
                        casts[(input, wantsFloat32)] = converted;
                        nodes.Add(OnnxNodes.Cast(names.Fresh($"{input}_to_{suffix}"), input, converted, wantsFloat32 ? DataType.Float : DataType.Float16));
                    }
                    node.Input[i] = converted;
                }
                nodes.Add(node);
            }
            var outputs = proto.Output.Where(o => IsFloat(o.Name) && !float32.Contains(o.Name)).ToList();
            foreach (var output in outputs)
            {
                // The float16 value takes a new name inside the graph; the output's own name becomes the Cast's result.
                var internalName = names.Fresh($"{output.Name}_fp16");
                foreach (var node in nodes)
                {
                    Rename(node.Input, output.Name, internalName);
                    Rename(node.Output, output.Name, internalName);
                }
                nodes.Add(OnnxNodes.Cast(names.Fresh($"{output.Name}_to_fp32"), internalName, output.Name, DataType.Float));
            }
            proto.Node.Clear();
            proto.Node.AddRange(nodes);
            // Declared intermediate types would now be wrong; ONNX Runtime infers them again.
            foreach (var info in proto.ValueInfo.Where(v => IsFloat(v.Name)).ToList()) proto.ValueInfo.Remove(info);
            return casts.Count + outputs.Count;
        }

        private static void Rename(Google.Protobuf.Collections.RepeatedField<string> list, string from, string to)
        {
            for (var i = 0; i < list.Count; i++)
            {
                if (list[i] == from) list[i] = to;
            }
        }
    }
}
