using Distill.Onnx;
using Google.Protobuf;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Export.Quantization;

/// <summary>Reading and making the initializers the quantization passes rewrite.</summary>
internal static class OnnxTensors
{
    public static long ElementCount(TensorProto tensor) => tensor.Dims.Aggregate(1L, (a, b) => a * b);

    /// <summary>The values of a float initializer, checked against its dims (a truncated tensor is an error, not a short read).</summary>
    public static float[] ReadFloats(TensorProto tensor)
    {
        var values = OnnxGraph.Floats(tensor);
        if (values.Length != ElementCount(tensor))
        {
            throw new OnnxImportException($"initializer \"{tensor.Name}\" has {values.Length} values; its dims [{string.Join(",", tensor.Dims)}] need {ElementCount(tensor)}");
        }
        return values;
    }

    public static TensorProto Raw(string name, DataType type, IEnumerable<long> dims, byte[] raw)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(raw) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }

    public static TensorProto Floats(string name, IEnumerable<long> dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    /// <summary>The opset the model imports for the default ONNX domain (empty or "ai.onnx").</summary>
    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    /// <summary>Checks that a model has a graph and reads it; the passes work on what this returns.</summary>
    public static OnnxGraph Open(ModelProto model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Graph is null)
        {
            throw new OnnxImportException("the ONNX model has no graph (expected ModelProto.graph; found none: not an ONNX model, or a truncated one)");
        }
        foreach (var node in model.Graph.Node)
        {
            if (node.Attribute.Any(a => a.G is not null || a.Graphs.Count > 0))
            {
                throw new OnnxImportException($"node \"{node.Name}\" ({node.OpType}) has a subgraph; graphs with control flow (If, Loop, Scan) are not supported");
            }
        }
        return new OnnxGraph(model, "the ONNX model");
    }
}
