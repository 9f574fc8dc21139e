using Distill.Data;
using Distill.Models;
using Distill.Onnx;
using Distill.Tasks;
using Distill.Errors;

namespace Distill.Export.Parity;

/// <summary><c>export-onnx parity</c>: our model and the ONNX model on the inputs of a real data file.</summary>
internal static class ParityRun
{
    public static ParityReport Execute(ParityRequest request, Action<string> log)
    {
        if (request.MaxExamples is < 1) throw new ConfigException($"--max-examples must be positive, found {request.MaxExamples}");
        // A file that is not ONNX fails here with one line, before the model loads.
        OnnxModelFile.Read(request.OnnxPath);
        using var model = LoadedModel.Load(request.ModelDirectory);
        var tokenizer = ModelDirectory.LoadTokenizer(request.ModelDirectory, model.Encoder.Config);
        // A plain encoder has no task: any classification file gives it texts (labels are read, not used).
        var kind = model.Kind ?? TaskKind.Classification;
        var settings = new TaskDataSettings(Math.Min(request.MaxSeqLength, model.Encoder.Config.MaxPositionEmbeddings), request.ReadOptions);
        var data = TaskDataLoader.Load(kind, request.DataPath, tokenizer, model.Kind is null || kind == TaskKind.Qa ? null : model.Labels, settings);
        foreach (var warning in data.Warnings) log($"warning: {warning}");
        var texts = data.Features.Select(f => f.Text).Take(request.MaxExamples ?? int.MaxValue).ToList();
        if (texts.Count == 0) throw new DataFormatException(request.DataPath, "", "no inputs to compare (expected at least one example)");

        using var session = OnnxEncoderSession.Create(request.OnnxPath, request.Threads, preferCuda: false, log);
        return ParityValidator.Run(model, session, texts, request.BatchSizes, tokenizer.PadId);
    }
}
