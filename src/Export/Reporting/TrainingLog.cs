using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.Data;

namespace Distill.Export.Reporting;

/// <summary>A training loss logged at one optimizer step.</summary>
internal sealed record LossPoint(int Step, double Loss);

/// <summary>The dev metrics logged at the end of an epoch.</summary>
internal sealed record DevPoint(int Step, double Epoch, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// A run's <c>metrics.jsonl</c> as written by <c>train</c> and <c>distill</c>: <c>split: "train"</c> lines carry the
/// loss per logged step, <c>split: "dev"</c> lines the dev metrics per epoch. A resumed run logs again the steps after
/// its checkpoint; the last line for a step is the one that counts, as it describes the weights that were kept.
/// </summary>
internal sealed record TrainingLog(string Name, string Path, IReadOnlyList<LossPoint> Losses, IReadOnlyList<DevPoint> Dev)
{
    public static TrainingLog Read(string name, string path)
    {
        var losses = new SortedDictionary<int, LossPoint>();
        var dev = new SortedDictionary<int, DevPoint>();
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (line.Trim().Length == 0) continue;
            var record = ParseObject(path, lineNumber, line);
            var step = (int)Number(path, lineNumber, record, "step");
            var split = record["split"] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;
            if (split == "train") losses[step] = new LossPoint(step, Number(path, lineNumber, record, "loss"));
            else if (split == "dev")
            {
                var metrics = record.Where(p => p.Key is not ("step" or "epoch" or "split") && p.Value?.GetValueKind() == JsonValueKind.Number)
                    .ToDictionary(p => p.Key, p => p.Value!.GetValue<double>());
                dev[step] = new DevPoint(step, Number(path, lineNumber, record, "epoch"), metrics);
            }
            else throw new DataFormatException(path, $"line {lineNumber}", $"expected \"split\": \"train\" or \"dev\"; found {record["split"]?.ToJsonString() ?? "none"}");
        }
        return new TrainingLog(name, path, losses.Values.ToList(), dev.Values.ToList());
    }

    /// <summary>The dev value of <paramref name="metric"/> per epoch; fails naming the metrics the log has.</summary>
    public IReadOnlyList<(double Epoch, double Value)> DevCurve(string metric) => Dev.Select(point =>
        point.Metrics.TryGetValue(metric, out var value)
            ? (point.Epoch, value)
            : throw new DataFormatException(Path, $"step {point.Step}", $"no dev metric \"{metric}\" (found: {string.Join(", ", point.Metrics.Keys)})")).ToList();

    private static JsonObject ParseObject(string path, int lineNumber, string line)
    {
        try
        {
            return JsonNode.Parse(line) as JsonObject
                ?? throw new DataFormatException(path, $"line {lineNumber}", $"expected a JSON object; found {line}");
        }
        catch (JsonException e)
        {
            throw new DataFormatException(path, $"line {lineNumber}", $"expected a JSON object; found invalid JSON ({e.Message})");
        }
    }

    private static double Number(string path, int lineNumber, JsonObject record, string key) =>
        record[key] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            ? value.GetValue<double>()
            : throw new DataFormatException(path, $"line {lineNumber}", $"expected a number \"{key}\"; found {record[key]?.ToJsonString() ?? "none"}");

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Name}: {Losses.Count} losses, {Dev.Count} dev points ({Path})");
}
