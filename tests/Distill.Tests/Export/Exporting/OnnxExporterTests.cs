using Distill.Inference;
using Distill.Export.Exporting;
using Distill.Export.Optimization;
using Distill.Models;
using Distill.Onnx;
using Distill.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using Distill.Tasks;

namespace Distill.Tests.Export.Exporting;

public sealed class OnnxExporterTests
{
    public OnnxExporterTests() => TestAssets.EnsureTorch();

    [Fact]
    public void Export_TinyClassifier_MetadataRoundTripsThroughTheFile()
    {
        using var dir = new TemporaryDirectory();
        var modelDir = TinyModelDirectory.Write(dir);
        var output = dir.File("out", "model.onnx");

        var result = OnnxExporter.Export(new ExportRequest(modelDir, output), _ => { });

        Assert.True(result.Published, string.Join("; ", result.Failures));
        using var session = new InferenceSession(output);
        var metadata = OnnxModelMetadata.FromProperties(session.ModelMetadata.CustomMetadataMap, output);
        var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(modelDir, "model.safetensors"))));
        Assert.Equal(new OnnxModelMetadata(TaskKind.Classification, TinyModelDirectory.Labels, true, true, 512, sha, "model"), metadata with { Labels = TinyModelDirectory.Labels });
        Assert.Equal(TinyModelDirectory.Labels, metadata.Labels);
        Assert.Equal(File.ReadAllBytes(Path.Combine(modelDir, "vocab.txt")), File.ReadAllBytes(dir.File("out", "vocab.txt")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(modelDir, "config.json")), File.ReadAllBytes(dir.File("out", "config.json")));
        Assert.Equal("distill export-onnx", session.ModelMetadata.ProducerName);
    }

    [Fact]
    public void Export_PassThatBreaksTheModel_FailsParityAndWritesNothing()
    {
        using var dir = new TemporaryDirectory();
        var modelDir = TinyModelDirectory.Write(dir);
        var output = dir.File("out", "model.onnx");
        // A pass that shifts one class's bias by 0.01: every logit of that class moves by exactly 0.01.
        var shiftBias = new GraphPass("shift classifier bias", model =>
        {
            var bias = model.Graph.Initializer.Single(i => i.Name == "classifier.bias");
            var values = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(bias.RawData.ToByteArray()).ToArray();
            values[1] += 0.01f;
            bias.RawData = Google.Protobuf.ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
            return model;
        });

        var result = OnnxExporter.Export(new ExportRequest(modelDir, output) { Passes = [shiftBias] }, _ => { });

        Assert.False(result.Published);
        var failure = Assert.Single(result.Failures);
        Assert.StartsWith("logits: max_abs_diff 0.01", failure);
        Assert.InRange(result.Parity.Outputs.Single().MaxAbsDiff, 0.0099, 0.0101);
        Assert.False(Directory.Exists(dir.File("out")) && Directory.EnumerateFileSystemEntries(dir.File("out")).Any());
    }

    [Fact]
    public void Export_OptimizePass_FusesGeluAndKeepsParity()
    {
        using var dir = new TemporaryDirectory();
        var modelDir = TinyModelDirectory.Write(dir);
        var output = dir.File("onnx", "model.onnx");

        var result = OnnxExporter.Export(new ExportRequest(modelDir, output) { Passes = [OrtOptimizer.Pass()] }, _ => { });

        Assert.True(result.Published, string.Join("; ", result.Failures));
        var counts = result.OpCounts.ToDictionary();
        Assert.Equal(2, counts["com.microsoft.BiasGelu"]);
        Assert.False(counts.ContainsKey("Erf"));
        var written = OnnxModelFile.Read(output);
        Assert.Contains(written.Graph.Node, n => n.OpType == "BiasGelu");
        Assert.Contains(written.MetadataProps, p => p.Key == OnnxModelMetadata.TaskKey && p.Value == "classification");
    }
}
