using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using static TorchSharp.torch;

namespace Distill.Tests.Support;

/// <summary>Runs an in-memory ONNX model in ONNX Runtime (CPU, one thread) on TorchSharp tensors.</summary>
internal static class OnnxRun
{
    /// <returns>every graph output as a float32 tensor</returns>
    public static Dictionary<string, Tensor> Run(ModelProto model, params (string Name, Tensor Value)[] inputs)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1, GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL };
        using var session = new InferenceSession(model.ToByteArray(), options);
        var values = inputs.Select(i => i.Value.dtype == ScalarType.Int64
            ? OrtValue.CreateTensorValueFromMemory(i.Value.contiguous().data<long>().ToArray(), i.Value.shape)
            : OrtValue.CreateTensorValueFromMemory(i.Value.to(ScalarType.Float32).contiguous().data<float>().ToArray(), i.Value.shape)).ToList();
        try
        {
            using var runOptions = new RunOptions();
            var names = session.OutputMetadata.Keys.ToList();
            using var outputs = session.Run(runOptions, inputs.Select(i => i.Name).ToList(), values, names);
            return names.Zip(outputs).ToDictionary(p => p.First, p => tensor(p.Second.GetTensorDataAsSpan<float>().ToArray(), p.Second.GetTensorTypeAndShape().Shape));
        }
        finally
        {
            foreach (var value in values) value.Dispose();
        }
    }

    /// <summary>The largest absolute difference of two tensors of one shape.</summary>
    public static double MaxAbsDiff(Tensor expected, Tensor actual)
    {
        Assert.Equal(expected.shape, actual.shape);
        return (expected.to(ScalarType.Float32) - actual).abs().max().item<float>();
    }
}
