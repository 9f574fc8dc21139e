using System.Security.Cryptography;
using Distill.Inference;
using Distill.Export.Mapping;
using Distill.Export.Graph;
using Distill.Export.Parity;
using Distill.IO;
using Distill.Models;
using Distill.Onnx;
using Distill.Tokenization;
using Google.Protobuf;
using Onnx;
using Distill.Errors;
using Distill.Models.Bert;
using Distill.Models.BiGru;
using Distill.Models.Heads;
using Distill.Tasks;
using Distill.DistillStudent.Registry;
using Distill.DistillStudent.TaskModels;

namespace Distill.Export.Exporting;

/// <summary>
/// Builds the ONNX graph of a model directory (BERT, BiGRU, or a registered model type through its own export spec, by config.json's model_type), applies the graph passes in order, stamps the metadata, writes
/// the file into a temporary directory with the config and tokenizer files of <see cref="ExportLayout"/> and a manifest, checks parity against our
/// model on built-in inputs there, and only then publishes the directory as one unit (<see cref="ExportDirectory"/>). A failed check publishes nothing.
/// </summary>
internal static class OnnxExporter
{
    /// <summary>
    /// The longest input a BiGRU export declares in its metadata: the model has no position table, so this is only
    /// the tokenizer's cap, BERT's usual 512.
    /// </summary>
    public const int BiGruMaxLength = 512;

    public static ExportResult Export(ExportRequest request, Action<string> log)
    {
        ExportDirectory.Check(request.FilesDirectory, ModelName(request));
        var configPath = Path.Combine(request.ModelDirectory, ModelDirectory.ConfigFile);
        var type = ComponentRegistry.ModelType(ModelDirectory.ModelType(request.ModelDirectory), configPath);
        if (type.Name == BiGruConfig.Type) return ExportBiGru(request, log);
        if (type.Name != ModelDirectory.DefaultModelType) return ExportRegistered(type, request, log);

        using var model = LoadedModel.Load(request.ModelDirectory);
        var config = model.Encoder.Config;
        log($"export: {Describe(model)} ({config.NumHiddenLayers} layers, hidden {config.HiddenSize}, {config.NumAttentionHeads} heads), opset {request.Opset}");
        var configSource = Path.Combine(request.ModelDirectory, ModelDirectory.ConfigFile);
        var maxLength = MaxLength(request, config.MaxPositionEmbeddings, "the position table's max_position_embeddings", log);
        Action<string> writeConfig = target => AtomicFile.Copy(configSource, target);
        if (model.Module is BertTaskModel task)
        {
            TaskModelDirectory.CheckLabel2Id(BertConfig.Load(configSource), model.Labels, configSource);
            writeConfig = TaskModelDirectory.ConfigWithLabels(task, model.Labels).Save;
        }

        if (request.Fused && FirstTokenLayerExport.Applies(model.Kind, request.HiddenState)) log($"export: {EncoderCost.Note(config, EncoderCost.ReferenceLength)}");
        var onnx = Rewrite(BertExport.Build(model, request.Opset, request.HiddenState, request.Fused), request.Passes, log);
        Stamp(onnx, Metadata(request.ModelDirectory, model.Kind, model.Labels, config.DoLowerCase, maxLength));
        var tokenizer = ModelDirectory.LoadTokenizer(request.ModelDirectory, config);
        var inputs = ParityInputs.BuiltIn(tokenizer, config.MaxPositionEmbeddings);
        return Publish(request, onnx, SideFiles(request.ModelDirectory, config.DoLowerCase, maxLength, writeConfig),
            session => ParityValidator.Run(model, session, inputs, ParityInputs.BatchSizes(inputs), tokenizer.PadId), log);
    }

    private static ExportResult ExportBiGru(ExportRequest request, Action<string> log)
    {
        if (request.HiddenState) throw new ConfigException($"{request.ModelDirectory}: --hidden-state is for BERT models; a BiGRU export outputs its logits only");
        if (request.Fused) throw new ConfigException($"{request.ModelDirectory}: --fused writes BERT's fused ONNX Runtime operators; a BiGRU has none");
        using var model = BiGruDirectory.Load(request.ModelDirectory);
        var config = model.Config;
        log($"export: BiGRU {config.Task.Name()} model ({config.NumLayers} layers, hidden {config.HiddenSize} per direction, embeddings {config.EmbeddingSize}), opset {request.Opset}");

        var maxLength = MaxLength(request, BiGruMaxLength, "the tokenizer's usual cap (a BiGRU has no position table)", log);
        var onnx = Rewrite(BiGruExport.Build(model, request.Opset), request.Passes, log);
        Stamp(onnx, Metadata(request.ModelDirectory, config.Task, config.Labels, config.DoLowerCase, maxLength));
        var tokenizer = ModelDirectory.LoadTokenizer(request.ModelDirectory, config.DoLowerCase);
        var inputs = ParityInputs.BuiltIn(tokenizer, BiGruMaxLength);
        var configSource = Path.Combine(request.ModelDirectory, ModelDirectory.ConfigFile);
        return Publish(request, onnx, SideFiles(request.ModelDirectory, config.DoLowerCase, maxLength, target => AtomicFile.Copy(configSource, target)),
            session => ParityValidator.Run(config.Task, batch => TorchReference.Outputs(model, batch), session, inputs, ParityInputs.BatchSizes(inputs), tokenizer.PadId), log);
    }

    /// <summary>A user's registered model type, through the export spec it carries (<see cref="ModelType.OnnxExport"/>).</summary>
    private static ExportResult ExportRegistered(ModelType type, ExportRequest request, Action<string> log)
    {
        var configSource = Path.Combine(request.ModelDirectory, ModelDirectory.ConfigFile);
        if (type.OnnxExport is null) throw new ConfigException($"{configSource}: model_type \"{type.Name}\" was registered without an ONNX export spec (ModelType.OnnxExport)");
        if (request.HiddenState || request.Fused) throw new ConfigException($"{request.ModelDirectory}: --hidden-state and --fused are for BERT models; a {type.Name} export is its spec's graph");
        using var model = type.Load(request.ModelDirectory, null, null);
        log($"export: {type.Name} {model.Kind.Name()} model ({model.Layers} layers, hidden {model.HiddenSize}), opset {request.Opset}");
        var doLowerCase = ModelDirectory.DoLowerCase(request.ModelDirectory);
        var maxLength = MaxLength(request, BiGruMaxLength, "the tokenizer's usual cap", log);
        var onnx = Rewrite(type.OnnxExport(model, request.Opset), request.Passes, log);
        Stamp(onnx, Metadata(request.ModelDirectory, model.Kind, model.Labels, doLowerCase, maxLength));
        var tokenizer = TaskModelLoader.LoadTokenizer(request.ModelDirectory);
        var inputs = ParityInputs.BuiltIn(tokenizer, BiGruMaxLength);
        return Publish(request, onnx, SideFiles(request.ModelDirectory, doLowerCase, maxLength, target => AtomicFile.Copy(configSource, target)),
            session => ParityValidator.Run(model.Kind, batch => TorchReference.Outputs(model, batch), session, inputs, ParityInputs.BatchSizes(inputs), tokenizer.PadId), log);
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

    /// <summary>
    /// The length the metadata and tokenizer files declare: --max-seq-length, else the length the run trained at,
    /// else <paramref name="limit"/>; never above <paramref name="limit"/>.
    /// </summary>
    private static int MaxLength(ExportRequest request, int limit, string limitName, Action<string> log)
    {
        var (length, source) = request.MaxSeqLength is { } given ? (given, "--max-seq-length")
            : TrainedLength.Find(request.ModelDirectory) is { } trained ? (trained.Length, trained.Source)
            : (limit, limitName);
        if (length < 3 || length > limit)
        {
            throw new ConfigException($"{request.ModelDirectory}: max_seq_length {length} (from {source}) must be in [3, {limit}], the model's limit");
        }
        log($"export: max_seq_length {length} (from {source})");
        return length;
    }

    /// <summary>The files written beside the model: vocabulary, config and the Hugging Face tokenizer files.</summary>
    private static List<(string Name, Action<string> Write)> SideFiles(string modelDirectory, bool? doLowerCase, int maxLength, Action<string> writeConfig)
    {
        var vocab = Path.GetFullPath(Path.Combine(modelDirectory, ModelDirectory.VocabFile));
        var files = new List<(string Name, Action<string> Write)> { (ModelDirectory.VocabFile, target => AtomicFile.Copy(vocab, target)) };
        foreach (var (name, json) in HuggingFaceTokenizerFiles.Create(vocab, ModelDirectory.TokenizerOptions(doLowerCase), maxLength))
        {
            files.Add((name, target => AtomicFile.WriteAllText(target, json + "\n")));
        }
        // Last: a complete export is one whose config.json exists (the pipelines' rerun check).
        files.Add((ExportLayout.ConfigFile, writeConfig));
        return files;
    }

    // Written into a temporary directory with the side files and the manifest, checked there, and published as one directory only if it passes.
    private static ExportResult Publish(ExportRequest request, ModelProto onnx, List<(string Name, Action<string> Write)> sideFiles,
        Func<OnnxEncoderSession, ParityReport> parity, Action<string> log)
    {
        var output = request.OnnxPath;
        var opCounts = OpCounts.Of(onnx);
        ParityReport? report = null;
        var failures = (IReadOnlyList<string>)[];
        var directory = request.FilesDirectory;
        // Exporting into the model directory itself leaves its own config.json as it is (carried over).
        var modelConfig = Path.GetFullPath(Path.Combine(request.ModelDirectory, ModelDirectory.ConfigFile));
        var files = sideFiles.Where(f => f.Name != ExportLayout.ConfigFile || Path.Combine(directory, f.Name) != modelConfig).ToList();
        var published = ExportDirectory.Publish(directory, ModelName(request), onnx.WriteTo, files, written =>
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

    /// <summary>The model's path in the published directory: <c>onnx/NAME</c>, or a flat export's file name.</summary>
    private static string ModelName(ExportRequest request) => ExportManifest.RelativeName(request.FilesDirectory, request.OnnxPath);

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
