using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;

namespace Distill.Export.Graph;

/// <summary>
/// Builds an ONNX graph with OnnxSharp's protobuf classes: initializers, nodes whose outputs get unique,
/// readable names (the module path), graph inputs and outputs with named dynamic axes.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto graph;
    private readonly HashSet<string> names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> sharedConstants = new(StringComparer.Ordinal);
    private int nodeCount;

    public OnnxGraphBuilder(string name)
    {
        graph = new GraphProto { Name = name };
    }

    /// <summary>A name not used yet: <paramref name="wanted"/> itself, else with a numeric suffix.</summary>
    public string UniqueName(string wanted)
    {
        var name = wanted;
        for (var i = 1; !names.Add(name); i++) name = $"{wanted}_{i}";
        return name;
    }

    /// <summary>Declares a graph input; a string dimension is a named dynamic axis, a number a fixed size.</summary>
    public string Input(string name, TensorProto.Types.DataType type, params object[] dims)
    {
        graph.Input.Add(ValueInfo(UniqueName(name), type, dims));
        return name;
    }

    /// <summary>Declares <paramref name="value"/> (a node output or input already in the graph) as a graph output.</summary>
    public void Output(string value, TensorProto.Types.DataType type, params object[] dims) =>
        graph.Output.Add(ValueInfo(value, type, dims));

    public string Initializer(string name, ReadOnlySpan<float> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), dims);

    public string Initializer(string name, ReadOnlySpan<long> values, params long[] dims) =>
        AddInitializer(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), dims);

    /// <summary>A float scalar constant, shared by every node that uses the same value.</summary>
    public string Scalar(float value) => Shared($"f:{value:R}", () => Initializer("const_" + value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), [value]));

    /// <summary>A 1-D int64 constant (shapes, axes, indices), shared by every node that uses the same values.</summary>
    public string Int64s(params long[] values) => Shared($"i:{string.Join(",", values)}", () => Initializer("const_" + string.Join("_", values).Replace('-', 'm'), values, values.Length));

    /// <summary>An int64 scalar constant (e.g. a Gather index that drops the axis).</summary>
    public string Int64Scalar(long value) => Shared($"s:{value}", () => Initializer($"const_scalar_{value}".Replace('-', 'm'), [value]));

    /// <summary>Adds a node with one output named <paramref name="output"/> (made unique) and returns that name.</summary>
    public string Node(string opType, string output, string[] inputs, params AttributeProto[] attributes) =>
        Node(opType, [output], inputs, attributes)[0];

    /// <summary>Adds a node with several outputs and returns their (unique) names.</summary>
    public string[] Node(string opType, string[] outputs, string[] inputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = $"{opType}_{nodeCount++}" };
        node.Input.AddRange(inputs);
        var unique = outputs.Select(UniqueName).ToArray();
        node.Output.AddRange(unique);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return unique;
    }

    /// <summary>ONNX Runtime's contrib operator domain.</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>Adds an ONNX Runtime contrib node (domain <see cref="MicrosoftDomain"/>) and returns its (unique) output names.</summary>
    public string[] Contrib(string opType, string[] outputs, string[] inputs, params AttributeProto[] attributes)
    {
        var unique = Node(opType, outputs, inputs, attributes);
        graph.Node[^1].Domain = MicrosoftDomain;
        return unique;
    }

    /// <summary>Gives a node output a new name (e.g. the graph output name <c>logits</c>), in its producer and every consumer.</summary>
    public string Rename(string value, string name)
    {
        if (value == name) return name;
        if (!names.Add(name)) throw new InvalidOperationException($"cannot rename {value} to {name}: the name is taken");
        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Output.Count; i++) if (node.Output[i] == value) node.Output[i] = name;
            for (var i = 0; i < node.Input.Count; i++) if (node.Input[i] == value) node.Input[i] = name;
        }
        names.Remove(value);
        return name;
    }

    /// <summary>The model, importing the default domain at <paramref name="opset"/>, with the IR version that opset came with.</summary>
    public ModelProto Build(long opset, string producerName, string producerVersion)
    {
        var model = new ModelProto
        {
            IrVersion = opset switch { <= 18 => 8, <= 20 => 9, _ => 10 },
            ProducerName = producerName,
            ProducerVersion = producerVersion,
            Graph = graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        if (graph.Node.Any(n => n.Domain == MicrosoftDomain))
        {
            model.OpsetImport.Add(new OperatorSetIdProto { Domain = MicrosoftDomain, Version = 1 });
        }
        return model;
    }

    private string AddInitializer(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        var tensor = new TensorProto { Name = UniqueName(name), DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    private string Shared(string key, Func<string> create)
    {
        if (!sharedConstants.TryGetValue(key, out var name)) sharedConstants[key] = name = create();
        return name;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim switch
            {
                string symbol => new TensorShapeProto.Types.Dimension { DimParam = symbol },
                int size => new TensorShapeProto.Types.Dimension { DimValue = size },
                long size => new TensorShapeProto.Types.Dimension { DimValue = size },
                _ => throw new ArgumentException($"dimension {dim} must be a name (string) or a size (int or long)", nameof(dims)),
            });
        }
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
