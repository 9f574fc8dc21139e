using Distill.Export.Exporting;
using Distill.Onnx;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Distill.Export.Optimization;

/// <summary>
/// ONNX Runtime's own graph optimisation, saved as a model: constant folding, then the transformer fusions
/// (Attention, EmbedLayerNormalization, SkipLayerNormalization, BiasGelu/FastGelu ...). Level EXTENDED: ALL adds
/// only layout transforms (NCHWc, for convolutions) that ONNX Runtime documents as tied to the machine that
/// ran them; a BERT graph has no convolutions, so ALL would gain nothing here and could pin the file to one CPU.
/// </summary>
public static class OrtOptimizer
{
    public static GraphPass Pass(GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED) =>
        new($"onnxruntime {level}", model => Optimize(model, level));

    public static ModelProto Optimize(ModelProto model, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        var work = Directory.CreateTempSubdirectory("distill-ort-optimize-").FullName;
        try
        {
            var input = Path.Combine(work, "in.onnx");
            var output = Path.Combine(work, "out.onnx");
            File.WriteAllBytes(input, model.ToByteArray());
            Optimize(input, output, level);
            return OnnxModelFile.Read(output);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Optimises an .onnx file into another (ONNX Runtime writes it while creating the session).</summary>
    public static void Optimize(string input, string output, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_EXTENDED)
    {
        using var options = new SessionOptions
        {
            GraphOptimizationLevel = level,
            OptimizedModelFilePath = output,
            IntraOpNumThreads = 1,
        };
        using var session = new InferenceSession(input, options);
    }
}
