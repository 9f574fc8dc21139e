using System.Security.Cryptography;
using Distill.Inference;
using Distill.Export.Mapping;
using Distill.Export.Graph;
using Distill.Export.Parity;
using Distill.Models;
using Distill.Onnx;
using Google.Protobuf;
using Onnx;

namespace Distill.Export.Exporting;

/// <summary>
/// Builds the ONNX graph of a model directory (BERT, or BiGRU by config.json's model_type), applies the graph passes in order, stamps the metadata, writes
/// the file into a temporary directory with vocab.txt, config.json and a manifest, checks parity against our model on
/// built-in inputs, and only then publishes the directory as one unit (<see cref="ExportDirectory"/>). A failed check publishes nothing.
/// </summary>
public static class OnnxExporter
{
    /// <summary>
    /// The longest input a BiGRU export declares in its metadata: the model has no position table, so this is only
    /// the tokenizer's cap, BERT's usual 512.
    /// </summary>
    public const int BiGruMaxLength = 512;

    public static ExportResult Export(ExportRequest request, Action<string> log)
    {
        var output = Path.GetFullPath(request.OutputPath);
        ExportDirectory.Check(output);
        if (ModelDirectory.ModelType(request.ModelDirectory) == BiGruConfig.Type) return ExportBiGru(request, output, log);

        using var model = LoadedModel.Load(request.ModelDirectory);
        var config = model.Encoder.Config;
        log($"export: {Describe(model)} ({config.NumHiddenLayers} layers, hidden {config.HiddenSize}, {config.NumAttentionHeads} heads), opset {request.Opset}");

        var onnx = Rewrite(BertExport.Build(model, request.Opset, request.HiddenState), request.Passes, log);
        Stamp(onnx, Metadata(request.ModelDirectory, model.Kind, model.Labels, config.DoLowerCase, config.MaxPositionEmbeddings));
        var tokenizer = ModelDirectory.LoadTokenizer(request.ModelDirectory, config);
        var inputs = ParityInputs.BuiltIn(tokenizer, config.MaxPositionEmbeddings);
        return Publish(request, output, onnx, session => ParityValidator.Run(model, session, inputs, ParityInputs.BatchSizes(inputs), tokenizer.PadId), log);
    }

    private static ExportResult ExportBiGru(ExportRequest request, string output, Action<string> log)
    {
        if (request.HiddenState) throw new ConfigException($"{request.ModelDirectory}: --hidden-state is for BERT models; a BiGRU export outputs its logits only");
        using var model = BiGruDirectory.Load(request.ModelDirectory);
        var config = model.Config;
        log($"export: BiGRU {config.Task.Name()} model ({config.NumLayers} layers, hidden {config.HiddenSize} per direction, embeddings {config.EmbeddingSize}), opset {request.Opset}");

        var onnx = Rewrite(BiGruExport.Build(model, request.Opset), request.Passes, log);
        Stamp(onnx, Metadata(request.ModelDirectory, config.Task, config.Labels, config.DoLowerCase, BiGruMaxLength));
        var tokenizer = ModelDirectory.LoadTokenizer(request.ModelDirectory, config.DoLowerCase);
        var inputs = ParityInputs.BuiltIn(tokenizer, BiGruMaxLength);
        return Publish(request, output, onnx,
            session => ParityValidator.Run(config.Task, batch => TorchReference.Outputs(model, batch), session, inputs, ParityInputs.BatchSizes(inputs), tokenizer.PadId), log);
    }

    private static ModelProto Rewrite(ModelProto onnx, IReadOnlyList<GraphPass> passes, Action<string> log)
    {
        foreach (var pass in passes)
        {
            log($"export: pass {pass.Name}");
            onnx = pass.Apply(onnx);
        }
        return onnx;
    }

    // Written into a temporary directory with vocab.txt, config.json and the manifest, checked there, and published as one directory only if it passes.
    private static ExportResult Publish(ExportRequest request, string output, ModelProto onnx, Func<OnnxEncoderSession, ParityReport> parity, Action<string> log)
    {
        var opCounts = OpCounts.Of(onnx);
        ParityReport? report = null;
        var failures = (IReadOnlyList<string>)[];
        var published = ExportDirectory.Publish(output, onnx.WriteTo, request.ModelDirectory, written =>
        {
            using (var session = OnnxEncoderSession.Create(written, request.Threads, preferCuda: false, log))
            {
                report = parity(session);
            }
            failures = report.Failures(request.Atol, request.MinAgreement);
            return failures.Count == 0;
        });
        return new ExportResult(output, published, report!, failures, opCounts, published ? new FileInfo(output).Length : 0);
    }

    private static string Describe(LoadedModel model) => model.Module is BertTaskModel task ? task.Architecture : "BertModel (encoder)";

    private static OnnxModelMetadata Metadata(string directory, TaskKind? kind, IReadOnlyList<string> labels, bool? doLowerCase, int maxLength)
    {
        using var weights = File.OpenRead(Path.Combine(directory, ModelDirectory.WeightsFile));
        var lowerCase = doLowerCase ?? true;
        return new OnnxModelMetadata(kind, labels, lowerCase, StripAccents: lowerCase, maxLength,
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
