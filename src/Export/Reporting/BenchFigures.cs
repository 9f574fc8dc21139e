using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Data;

namespace Distill.Export.Reporting;

/// <summary>One model's figures at one length from <c>export-onnx bench --json</c>.</summary>
public sealed record BenchFigure(string Model, int Length, double P50Ms, double SequencesPerSecond);

/// <summary>The output of <c>export-onnx bench --json</c> (<see cref="Bench.BenchReport.Json"/>), looked up by model path and length.</summary>
public sealed record BenchFigures(string Path, int BatchSize, int Threads, IReadOnlyList<BenchFigure> Figures)
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
        var models = Required(path, root, "models", "$").AsArray();
        for (var m = 0; m < models.Count; m++)
        {
            var model = Required(path, models[m], "model", $"$.models[{m}]").GetValue<string>();
            var lengths = Required(path, models[m], "lengths", $"$.models[{m}]").AsArray();
            for (var l = 0; l < lengths.Count; l++)
            {
                var where = $"$.models[{m}].lengths[{l}]";
                figures.Add(new BenchFigure(model, Required(path, lengths[l], "length", where).GetValue<int>(),
                    Required(path, lengths[l], "p50_ms", where).GetValue<double>(), Required(path, lengths[l], "sequences_per_second", where).GetValue<double>()));
            }
        }
        return new BenchFigures(path, Required(path, root, "batch_size", "$").GetValue<int>(), Required(path, root, "threads", "$").GetValue<int>(), figures);
    }

    /// <summary>The figure of the model at <paramref name="onnxPath"/> (compared as full paths) at <paramref name="length"/> tokens.</summary>
    public BenchFigure Find(string onnxPath, int length)
    {
        var full = System.IO.Path.GetFullPath(onnxPath);
        return Figures.FirstOrDefault(f => System.IO.Path.GetFullPath(f.Model) == full && f.Length == length)
            ?? throw new DataFormatException(Path, "$.models", $"expected figures for {onnxPath} at length {length}; found: " +
                string.Join(", ", Figures.Select(f => $"{f.Model} at {f.Length}")));
    }

    private static JsonNode Required(string path, JsonNode? node, string key, string where) =>
        node is JsonObject o && o[key] is { } value ? value : throw new DataFormatException(path, where, $"expected a \"{key}\" entry; found none");
}
