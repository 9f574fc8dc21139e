using System.Runtime.InteropServices;
using Onnx;

namespace Distill.Onnx;

/// <summary>Look-ups over an ONNX graph: constant values (initializers and Constant nodes) and who consumes what.</summary>
internal sealed class OnnxGraph
{
    private readonly Dictionary<string, TensorProto> constants = new();
    private readonly Dictionary<string, List<NodeProto>> consumers = new();
    private readonly Dictionary<string, NodeProto> producers = new();

    public OnnxGraph(ModelProto model, string path)
    {
        Model = model;
        Path = path;
        foreach (var initializer in model.Graph.Initializer)
        {
            if (initializer.DataLocation == TensorProto.Types.DataLocation.External)
            {
                throw new OnnxImportException($"{path}: initializer \"{initializer.Name}\" is stored as external data, which is not supported; re-export with the weights inside the .onnx file");
            }
            Initializers.Add(initializer.Name, initializer);
            constants[initializer.Name] = initializer;
        }
        foreach (var node in model.Graph.Node)
        {
            foreach (var output in node.Output) producers[output] = node;
            foreach (var input in node.Input)
            {
                if (!consumers.TryGetValue(input, out var list)) consumers[input] = list = [];
                list.Add(node);
            }
            if (node.OpType == "Constant" && node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
            {
                constants[node.Output[0]] = value;
            }
        }
    }

    public static OnnxGraph Load(string path) => new(OnnxModelFile.Read(path), path);

    public ModelProto Model { get; }
    public string Path { get; }
    public Dictionary<string, TensorProto> Initializers { get; } = new();
    public IEnumerable<NodeProto> Nodes => Model.Graph.Node;

    public IReadOnlyList<NodeProto> ConsumersOf(string name) => consumers.TryGetValue(name, out var list) ? list : [];

    public NodeProto? ProducerOf(string name) => producers.GetValueOrDefault(name);

    public TensorProto? Constant(string name) => constants.GetValueOrDefault(name);

    public static float[] Floats(TensorProto tensor) => tensor.DataType switch
    {
        (int)TensorProto.Types.DataType.Float when !tensor.RawData.IsEmpty => MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray(),
        (int)TensorProto.Types.DataType.Float => tensor.FloatData.ToArray(),
        (int)TensorProto.Types.DataType.Double when !tensor.RawData.IsEmpty => MemoryMarshal.Cast<byte, double>(tensor.RawData.Span).ToArray().Select(d => (float)d).ToArray(),
        (int)TensorProto.Types.DataType.Double => tensor.DoubleData.Select(d => (float)d).ToArray(),
        _ => throw new OnnxImportException($"tensor \"{tensor.Name}\" has ONNX data type {tensor.DataType}; expected float (1) or double (11)"),
    };

    public static long[] Int64s(TensorProto tensor) => tensor.DataType switch
    {
        (int)TensorProto.Types.DataType.Int64 when !tensor.RawData.IsEmpty => MemoryMarshal.Cast<byte, long>(tensor.RawData.Span).ToArray(),
        (int)TensorProto.Types.DataType.Int64 => tensor.Int64Data.ToArray(),
        (int)TensorProto.Types.DataType.Int32 when !tensor.RawData.IsEmpty => MemoryMarshal.Cast<byte, int>(tensor.RawData.Span).ToArray().Select(i => (long)i).ToArray(),
        (int)TensorProto.Types.DataType.Int32 => tensor.Int32Data.Select(i => (long)i).ToArray(),
        _ => throw new OnnxImportException($"tensor \"{tensor.Name}\" has ONNX data type {tensor.DataType}; expected int64 (7) or int32 (6)"),
    };

    public static bool IsFloat(TensorProto tensor) =>
        tensor.DataType is (int)TensorProto.Types.DataType.Float or (int)TensorProto.Types.DataType.Double;
}
