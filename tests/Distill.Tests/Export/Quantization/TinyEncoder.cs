using Microsoft.ML.OnnxRuntime;
using Onnx;
using Distill.Tests.Support;
using static Distill.Tests.Support.TinyOnnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Tests.Export.Quantization;

/// <summary>The small encoder graph the quantization tests rewrite, and its ONNX Runtime run on one thread.</summary>
internal static class TinyEncoder
{
    /// <summary>
    /// Embeddings → MatMul + Add → LayerNormalization → MatMul → Softmax: ids (1, T) int64 in, probabilities (1, T, 4)
    /// float out. Weights are random with a fixed seed; 20 × 8 embeddings, 8 × 16 and 16 × 4 projections.
    /// </summary>
    public static ModelProto Build()
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

    public static readonly long[] Ids = [3, 17, 0, 9, 12, 19, 4];

    public static float[] Run(ModelProto model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var ids = OrtValue.CreateTensorValueFromMemory(Ids, [1, Ids.Length]);
        return TinyOnnx.Run(model, "probs", level, ("input_ids", ids));
    }
}
