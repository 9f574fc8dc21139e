using System.Globalization;
using System.Text.Json.Nodes;

namespace Distill.Tasks;

/// <summary>
/// Metrics of a model on a data set, the name of the metric that ranks checkpoints, and one prediction per
/// example (JSON objects keyed by example_id) for the predictions file.
/// </summary>
public sealed record EvaluationResult(IReadOnlyDictionary<string, double> Metrics, string MainMetric, IReadOnlyList<JsonObject> Predictions)
{
    public double Main => Metrics[MainMetric];

    /// <summary>The metrics as one line, <c>name=value</c> with four decimals, as the eval commands print them.</summary>
    public string FormatMetrics() =>
        string.Join(" ", Metrics.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:F4}")));
}
