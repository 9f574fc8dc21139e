using System.Security.Cryptography;
using Distill.Inference;
using Distill.Export.Mapping;
using Distill.Export.Graph;
using Distill.Export.Parity;
using Distill.IO;
using Distill.Models;
using Distill.Onnx;
using Google.Protobuf;
using Onnx;

namespace Distill.Export.Exporting;

/// <summary>
/// Builds the ONNX graph of a model directory, applies the graph passes in order, stamps the metadata, writes
/// the file under a temporary name, checks parity against our model on built-in inputs, and only then renames
/// it into place with vocab.txt and config.json beside it. A failed check publishes nothing.
/// </summary>
public static class OnnxExporter
{
    public static ExportResult Export(ExportRequest request, Action<string> log)
    {
        var output = Path.GetFullPath(request.OutputPath);
        using var model = LoadedModel.Load(request.ModelDirectory);
        var config = model.Encoder.Config;
        log($"export: {Describe(model)} ({config.NumHiddenLayers} layers, hidden {config.HiddenSize}, {config.NumAttentionHeads} heads), opset {request.Opset}");

        var onnx = BertExport.Build(model, request.Opset, request.HiddenState);
        foreach (var pass in request.Passes)
        {
            log($"export: pass {pass.Name}");
            onnx = pass.Apply(onnx);
        }
        Stamp(onnx, Metadata(request.ModelDirectory, config, model));
        var opCounts = OpCounts.Of(onnx);

        var tokenizer = ModelDirectory.LoadTokenizer(request.ModelDirectory, config);
        var inputs = ParityInputs.BuiltIn(tokenizer, config.MaxPositionEmbeddings);
        ParityReport? report = null;
        var failures = (IReadOnlyList<string>)[];
        var published = AtomicFile.Write(output, onnx.WriteTo, written =>
        {
            using (var session = OnnxEncoderSession.Create(written, request.Threads, preferCuda: false, log))
            {
                report = ParityValidator.Run(model, session, inputs, ParityInputs.BatchSizes(inputs), tokenizer.PadId);
            }
            failures = report.Failures(request.Atol, request.MinAgreement);
            return failures.Count == 0;
        });
        if (published)
        {
            var directory = Path.GetDirectoryName(output)!;
            foreach (var file in new[] { ModelDirectory.VocabFile, ModelDirectory.ConfigFile })
            {
                var source = Path.GetFullPath(Path.Combine(request.ModelDirectory, file));
                var target = Path.Combine(directory, file);
                if (source != target) AtomicFile.Copy(source, target);
            }
        }
        return new ExportResult(output, published, report!, failures, opCounts, published ? new FileInfo(output).Length : 0);
    }

    private static string Describe(LoadedModel model) => model.Module is BertTaskModel task ? task.Architecture : "BertModel (encoder)";

    private static OnnxModelMetadata Metadata(string directory, BertConfig config, LoadedModel model)
    {
        using var weights = File.OpenRead(Path.Combine(directory, ModelDirectory.WeightsFile));
        var lowerCase = config.DoLowerCase ?? true;
        return new OnnxModelMetadata(model.Kind, model.Labels, lowerCase, StripAccents: lowerCase, config.MaxPositionEmbeddings,
            Convert.ToHexStringLower(SHA256.HashData(weights)), Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory))));
    }

    /// <summary>Sets producer and metadata last, so that no pass (ONNX Runtime writes its own producer) loses them.</summary>
    private static void Stamp(ModelProto onnx, OnnxModelMetadata metadata)
    {
        onnx.ProducerName = BertExport.ProducerName;
        onnx.ProducerVersion = BertExport.ProducerVersion;
        onnx.MetadataProps.Clear();
        foreach (var (key, value) in metadata.ToProperties())
        {
            onnx.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
        }
    }
}
