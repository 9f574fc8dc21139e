using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Models;
using Distill.Safetensors;
using Distill.Errors;

namespace Distill.Export.Reporting;

/// <summary>
/// One row of the report: a model as it was trained (<paramref name="ModelDirectory"/>, whose model.safetensors gives
/// the parameter count), as it ships (<paramref name="OnnxPath"/>: size on disk, bench figures) and as it scored
/// (<paramref name="EvalPath"/>: the metrics JSON of <c>export-onnx predict --eval --json</c>).
/// </summary>
internal sealed record ReportModel(string Name, string ModelDirectory, string OnnxPath, string EvalPath)
{
    public const string Syntax = "NAME,MODEL_DIR,ONNX_FILE_OR_EXPORT_DIR,EVAL_JSON";

    /// <summary>Parses <see cref="Syntax"/>, as the <c>--model</c> option takes it.</summary>
    public static ReportModel Parse(string spec)
    {
        var parts = spec.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 4 && parts.All(p => p.Length > 0)
            ? new ReportModel(parts[0], parts[1], parts[2], parts[3])
            : throw new ConfigException($"--model: expected {Syntax}; found \"{spec}\"");
    }

    /// <summary>Every element of every tensor in model.safetensors (an int8 export has the same parameters, stored smaller).</summary>
    public long CountParameters()
    {
        return StateDictFile.Read(Path.Combine(ModelDirectory, Distill.Models.ModelDirectory.WeightsFile), tensors => tensors.Values.Sum(t => t.numel()));
    }

    /// <summary>The value of <paramref name="metric"/> in the evaluation JSON; fails naming the metrics it has.</summary>
    public double ReadMetric(string metric)
    {
        JsonObject? metrics;
        try
        {
            metrics = JsonNode.Parse(File.ReadAllText(EvalPath)) as JsonObject;
        }
        catch (JsonException e)
        {
            throw new DataFormatException(EvalPath, "", $"expected the metrics JSON of export-onnx predict --eval --json; found invalid JSON ({e.Message})");
        }
        if (metrics is null) throw new DataFormatException(EvalPath, "", "expected a JSON object of metrics; found another JSON value");
        return metrics[metric] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? value.GetValue<double>()
            : throw new DataFormatException(EvalPath, "", $"expected a number \"{metric}\"; found the metrics {string.Join(", ", metrics.Select(p => p.Key))}");
    }
}
