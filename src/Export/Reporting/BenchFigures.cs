using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Inference;

namespace Distill.Export.Reporting;

/// <summary>One model's figures at one length from <c>export-onnx bench --json</c>.</summary>
internal sealed record BenchFigure(string Model, int Length, double P50Ms, double SequencesPerSecond);

/// <summary>The output of <c>export-onnx bench --json</c> (<see cref="Bench.BenchReport.Json"/>), looked up by model path and length.</summary>
internal sealed record BenchFigures(string Path, int BatchSize, int Threads, IReadOnlyList<BenchFigure> Figures)
{
    public static BenchFigures Read(string path)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, "", $"expected the JSON of export-onnx bench --json; found invalid JSON ({e.Message})");
        }
        var figures = new List<BenchFigure>();
        var models = Array(path, root, "models", "$");
        for (var m = 0; m < models.Count; m++)
        {
            var model = Value<string>(path, models[m], "model", $"$.models[{m}]", "a string");
            var lengths = Array(path, models[m], "lengths", $"$.models[{m}]");
            for (var l = 0; l < lengths.Count; l++)
            {
                var where = $"$.models[{m}].lengths[{l}]";
                figures.Add(new BenchFigure(model, Value<int>(path, lengths[l], "length", where, "an integer"),
                    Value<double>(path, lengths[l], "p50_ms", where, "a number"), Value<double>(path, lengths[l], "sequences_per_second", where, "a number")));
            }
        }
        return new BenchFigures(path, Value<int>(path, root, "batch_size", "$", "an integer"), Value<int>(path, root, "threads", "$", "an integer"), figures);
    }

    /// <summary>The figure of the model at <paramref name="onnxPath"/> (compared as full paths) at <paramref name="length"/> tokens.</summary>
    public BenchFigure Find(string onnxPath, int length)
    {
        // An export directory and its onnx/model.onnx are one model, whichever of the two bench and report were given.
        string Model(string path) => System.IO.Path.GetFullPath(ExportLayout.ResolveModel(path));
        var full = Model(onnxPath);
        return Figures.FirstOrDefault(f => Model(f.Model) == full && f.Length == length)
            ?? throw new DataFormatException(Path, "$.models", $"expected figures for {onnxPath} at length {length}; found: " +
                string.Join(", ", Figures.Select(f => $"{f.Model} at {f.Length}")));
    }

    private static JsonArray Array(string path, JsonNode? node, string key, string where) =>
        node is JsonObject o && o[key] is JsonArray array ? array : throw Expected(path, node, key, where, "an array");

    private static T Value<T>(string path, JsonNode? node, string key, string where, string expected) =>
        node is JsonObject o && o[key] is JsonValue value && value.TryGetValue<T>(out var result) ? result : throw Expected(path, node, key, where, expected);

    private static DataFormatException Expected(string path, JsonNode? node, string key, string where, string expected) =>
        new(path, where, $"expected \"{key}\" to be {expected}; found {(node as JsonObject)?[key]?.ToJsonString() ?? "none"}");
}
