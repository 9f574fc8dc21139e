using Distill.Export.Exporting;
using Distill.Export.Graph;
using Distill.Onnx;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Onnx;

namespace Distill.Export.Optimization;

/// <summary>
/// ONNX Runtime's own graph optimisation, saved as a model: constant folding, then the fusions its session makes
/// with a dynamic sequence axis: on our BERT exports FusedMatMul, BiasGelu/FastGelu, FusedGemm, and for int8
/// MatMulIntegerToFloat/DynamicQuantizeMatMul (Attention and SkipLayerNormalization are not made with a dynamic
/// sequence axis: those fusions live in ONNX Runtime's Python transformers optimizer). The result imports
/// ONNX Runtime's own domains (com.microsoft ...), so it loads in ONNX Runtime only: it is written beside the
/// portable file, never instead of it. Level EXTENDED: ALL adds only layout transforms (NCHWc, for convolutions)
/// that ONNX Runtime documents as tied to the machine that ran them; a BERT graph has no convolutions, so ALL
/// would gain nothing here and could pin the file to one CPU.
/// </summary>
internal static class OrtOptimizer
{
    /// <summary>What replaces <c>.onnx</c> in the optimised file's name (Optimum's ORTOptimizer names its output the same way).</summary>
    public const string Suffix = "_optimized.onnx";

    /// <summary>What replaces <c>.onnx</c> in the name of the file with our own fused operators (<c>export --fused</c>).</summary>
    public const string FusedSuffix = "_fused.onnx";

    /// <summary>One line naming the ops from outside the standard domain, with counts, and every imported domain.</summary>
    public static string Describe(ModelProto model)
    {
        var contrib = OpCounts.Of(model).Where(kv => kv.Key.Contains('.')).Select(kv => $"{kv.Key}={kv.Value}").ToList();
        var domains = model.OpsetImport.Select(o => $"{(o.Domain.Length == 0 ? "ai.onnx" : o.Domain)} {o.Version}");
        return $"ops outside ai.onnx: {(contrib.Count == 0 ? "none" : string.Join(" ", contrib))}; imports {string.Join(", ", domains)}";
    }

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
            return WithoutUnusedImports(OnnxModelFile.Read(output));
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The model without the opset imports no node uses: ONNX Runtime's saved graph imports every domain
    /// it knows (ai.onnx.ml, training, preview, experimental, nchwc, aten ...) whether used or not.</summary>
    public static ModelProto WithoutUnusedImports(ModelProto model)
    {
        static string Domain(string domain) => domain is "" or "ai.onnx" ? "" : domain;
        var used = model.Graph.Node.Select(n => Domain(n.Domain)).Append("").ToHashSet();
        foreach (var unused in model.OpsetImport.Where(o => !used.Contains(Domain(o.Domain))).ToList()) model.OpsetImport.Remove(unused);
        return model;
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
