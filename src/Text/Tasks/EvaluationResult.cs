using System.Globalization;
using System.Text.Json.Nodes;

namespace Distill.Tasks;

/// <summary>
/// Metrics of a model on a data set, the name of the metric that ranks checkpoints, and one prediction per
/// example (JSON objects keyed by example_id) for the predictions file.
/// </summary>
/// <param name="Metrics">each metric by name, e.g. accuracy and macro_f1, or exact and f1 for QA</param>
/// <param name="MainMetric">the metric that ranks checkpoints (higher is better)</param>
/// <param name="Predictions">one JSON object per example, keyed by example_id, as the predictions file holds them</param>
public sealed record EvaluationResult(IReadOnlyDictionary<string, double> Metrics, string MainMetric, IReadOnlyList<JsonObject> Predictions)
{
    /// <summary>The value of <see cref="MainMetric"/>, the metric that ranks checkpoints (higher is better).</summary>
    public double Main => Metrics[MainMetric];

    /// <summary>The metrics as one line, <c>name=value</c> with four decimals, as the eval commands print them.</summary>
    public string FormatMetrics() =>
        string.Join(" ", Metrics.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:F4}")));
}
