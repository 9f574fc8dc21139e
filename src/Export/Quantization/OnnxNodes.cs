using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Export.Quantization;

/// <summary>The nodes the quantization passes insert.</summary>
internal static class OnnxNodes
{
    public static NodeProto Make(string op, string name, IEnumerable<string> inputs, IEnumerable<string> outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }

    public static NodeProto Cast(string name, string input, string output, DataType to)
    {
        var node = Make("Cast", name, [input], [output]);
        node.Attribute.Add(Int("to", (long)to));
        return node;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };
}
