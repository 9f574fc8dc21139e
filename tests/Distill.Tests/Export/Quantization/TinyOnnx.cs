using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Tests.Export.Quantization;

/// <summary>Small ONNX graphs built in code, and ONNX Runtime runs of them on one thread.</summary>
internal static class TinyOnnx
{
    public static TensorProto Floats(string name, long[] dims, float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(values);
        return tensor;
    }

    /// <summary>A graph input or output; a string dim is a symbolic (dynamic) axis.</summary>
    public static ValueInfoProto Value(string name, DataType type, params object[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var dim in dims)
        {
            shape.Dim.Add(dim is string symbol ? new TensorShapeProto.Types.Dimension { DimParam = symbol } : new TensorShapeProto.Types.Dimension { DimValue = Convert.ToInt64(dim) });
        }
        return new ValueInfoProto { Name = name, Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } } };
    }

    public static NodeProto Node(string op, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = $"{op}_{outputs[0]}" };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        return node;
    }

    public static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static ModelProto Model(GraphProto graph, long opset = 17)
    {
        var model = new ModelProto { IrVersion = 8, Graph = graph, ProducerName = "distill-tests" };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = opset });
        return model;
    }

    /// <summary>Uniform values in [-scale, scale), the same for the same seed.</summary>
    public static float[] Random(int count, int seed, float scale = 1f)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale).ToArray();
    }

    /// <summary>
    /// Embeddings → MatMul + Add → LayerNormalization → MatMul → Softmax: ids (1, T) int64 in, probabilities (1, T, 4)
    /// float out. Weights are random with a fixed seed; 20 × 8 embeddings, 8 × 16 and 16 × 4 projections.
    /// </summary>
    public static ModelProto Encoder()
    {
        var graph = new GraphProto { Name = "tiny-encoder" };
        graph.Input.Add(Value("input_ids", DataType.Int64, 1, "sequence"));
        graph.Output.Add(Value("probs", DataType.Float, 1, "sequence", 4));
        graph.Initializer.Add(Floats("embeddings", [20, 8], Random(160, 1)));
        graph.Initializer.Add(Floats("dense.weight", [8, 16], Random(128, 2, 0.5f)));
        graph.Initializer.Add(Floats("dense.bias", [16], Random(16, 3, 0.1f)));
        graph.Initializer.Add(Floats("norm.weight", [16], Random(16, 4).Select(v => 1 + 0.2f * v).ToArray()));
        graph.Initializer.Add(Floats("norm.bias", [16], Random(16, 5, 0.1f)));
        graph.Initializer.Add(Floats("head.weight", [16, 4], Random(64, 6)));
        graph.Node.Add(Node("Gather", ["embeddings", "input_ids"], ["embedded"], Int("axis", 0)));
        graph.Node.Add(Node("MatMul", ["embedded", "dense.weight"], ["projected"]));
        graph.Node.Add(Node("Add", ["projected", "dense.bias"], ["biased"]));
        var norm = Node("LayerNormalization", ["biased", "norm.weight", "norm.bias"], ["normed"], Int("axis", -1));
        norm.Attribute.Add(new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = 1e-5f });
        graph.Node.Add(norm);
        graph.Node.Add(Node("MatMul", ["normed", "head.weight"], ["scores"]));
        graph.Node.Add(Node("Softmax", ["scores"], ["probs"], Int("axis", -1)));
        return Model(graph);
    }

    public static readonly long[] EncoderIds = [3, 17, 0, 9, 12, 19, 4];

    /// <summary>Runs the model and returns the named float output.</summary>
    public static float[] Run(ModelProto model, string output, GraphOptimizationLevel level, params (string Name, OrtValue Value)[] inputs)
    {
        using var options = new SessionOptions { GraphOptimizationLevel = level, IntraOpNumThreads = 1, InterOpNumThreads = 1 };
        using var session = new InferenceSession(model.ToByteArray(), options);
        using var runOptions = new RunOptions();
        using var outputs = session.Run(runOptions, inputs.Select(i => i.Name).ToList(), inputs.Select(i => i.Value).ToList(), [output]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    public static float[] RunEncoder(ModelProto model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(EncoderIds, [1, EncoderIds.Length]);
        return Run(model, "probs", level, ("input_ids", ids));
    }

    public static void Save(ModelProto model, string path) => File.WriteAllBytes(path, model.ToByteArray());
}
