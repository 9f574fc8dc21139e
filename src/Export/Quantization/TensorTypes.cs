using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Export.Quantization;

/// <summary>
/// The element type of every tensor of a graph, from its inputs, initializers and declared value infos, then node by
/// node in graph order (ONNX graphs are topologically sorted). The rules cover the ops of transformer encoders: an
/// op outside them gets its first input's type, which holds for the elementwise and shape-moving ops. A tensor whose
/// type cannot be told is left out, so the fp16 pass leaves it alone.
/// </summary>
internal static class TensorTypes
{
    private static readonly HashSet<string> Int64Outputs = ["Shape", "Size", "NonZero", "ArgMax", "ArgMin"];
    private static readonly HashSet<string> BoolOutputs = ["Equal", "Less", "Greater", "LessOrEqual", "GreaterOrEqual", "Not", "And", "Or", "Xor", "IsNaN", "IsInf"];

    public static Dictionary<string, int> Infer(GraphProto graph)
    {
        var types = new Dictionary<string, int>();
        foreach (var value in graph.Input.Concat(graph.ValueInfo).Concat(graph.Output))
        {
            if (value.Type?.TensorType is { ElemType: > 0 } tensor) types[value.Name] = tensor.ElemType;
        }
        foreach (var initializer in graph.Initializer) types[initializer.Name] = initializer.DataType;
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Output.Count; i++)
            {
                if (node.Output[i].Length == 0 || types.ContainsKey(node.Output[i])) continue;
                if (Output(node, i, types) is { } type) types[node.Output[i]] = type;
            }
        }
        return types;
    }

    private static int? Output(NodeProto node, int index, Dictionary<string, int> types)
    {
        int? Attribute(string name) => node.Attribute.FirstOrDefault(a => a.Name == name) is { } a ? (int)a.I : null;
        int? Input(int i) => i < node.Input.Count && types.TryGetValue(node.Input[i], out var t) ? t : null;
        return node.OpType switch
        {
            "Cast" => Attribute("to"),
            "Constant" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType
                          ?? (node.Attribute.Any(a => a.Name is "value_float" or "value_floats") ? (int)DataType.Float : (int)DataType.Int64),
            "ConstantOfShape" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T?.DataType ?? (int)DataType.Float,
            _ when Int64Outputs.Contains(node.OpType) => (int)DataType.Int64,
            _ when BoolOutputs.Contains(node.OpType) => (int)DataType.Bool,
            "TopK" when index == 1 => (int)DataType.Int64,
            "DynamicQuantizeLinear" => index == 1 ? (int)DataType.Float : (int)DataType.Uint8,
            "QuantizeLinear" => Input(2) ?? (int)DataType.Uint8,
            "DequantizeLinear" => Input(1),
            "MatMulInteger" => (int)DataType.Int32,
            "EmbedLayerNormalization" when index == 1 => (int)DataType.Int32,
            "EmbedLayerNormalization" => Input(5),
            "Where" => Input(1),
            _ => Input(0),
        };
    }
}
