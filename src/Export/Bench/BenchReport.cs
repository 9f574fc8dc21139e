using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Distill.Export.Bench;

/// <summary>
/// The bench figures as a table (one row per length and model, models side by side) or JSON. Ratios compare each
/// model with the first: <c>×p50</c> = first p50 / this p50 and <c>×seq/s</c> = this seq/s / first seq/s, so above
/// 1 means faster than the first.
/// </summary>
internal static class BenchReport
{
    public static string Table(IReadOnlyList<ModelResult> results, BenchSettings settings)
    {
        var text = new StringBuilder();
        text.AppendLine(Header(results, settings));
        var width = Math.Max(5, results.Max(r => r.Model.Length));
        text.AppendLine(Row(width, "model", "len", "p50 ms", "p95 ms", "×p50", $"seq/s (b{settings.BatchSize})", "×seq/s"));
        for (var l = 0; l < settings.Lengths.Count; l++)
        {
            var first = results[0].Lengths[l];
            foreach (var model in results)
            {
                var r = model.Lengths[l];
                text.AppendLine(Row(width, model.Model, Number(r.Length, "0"), Number(r.P50Ms, "F2"), Number(r.P95Ms, "F2"),
                    Number(first.P50Ms / r.P50Ms, "F2"), Number(r.SequencesPerSecond, "F1"), Number(r.SequencesPerSecond / first.SequencesPerSecond, "F2")));
            }
        }
        return text.ToString();
    }

    public static string Json(IReadOnlyList<ModelResult> results, BenchSettings settings)
    {
        var models = new JsonArray();
        foreach (var model in results)
        {
            var lengths = new JsonArray();
            for (var l = 0; l < model.Lengths.Count; l++)
            {
                var (r, first) = (model.Lengths[l], results[0].Lengths[l]);
                lengths.Add(new JsonObject
                {
                    ["length"] = r.Length,
                    ["p50_ms"] = r.P50Ms,
                    ["p95_ms"] = r.P95Ms,
                    ["sequences_per_second"] = r.SequencesPerSecond,
                    ["p50_speedup"] = first.P50Ms / r.P50Ms,
                    ["throughput_ratio"] = r.SequencesPerSecond / first.SequencesPerSecond,
                });
            }
            models.Add(new JsonObject { ["model"] = model.Model, ["provider"] = model.Provider, ["lengths"] = lengths });
        }
        var report = new JsonObject
        {
            ["inputs"] = OnnxBench.InputsNote,
            ["threads"] = settings.Threads,
            ["iterations"] = settings.Iterations,
            ["warmup"] = settings.Warmup,
            ["batch_size"] = settings.BatchSize,
            ["batches"] = settings.Batches,
            ["models"] = models,
        };
        return report.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }

    private static string Header(IReadOnlyList<ModelResult> results, BenchSettings settings) =>
        $"{OnnxBench.InputsNote}\n" +
        $"{string.Join(", ", results.Select(r => r.Provider).Distinct())}, {settings.Threads} thread(s); batch 1: {settings.Iterations} runs after {settings.Warmup} warm-up; " +
        $"batch {settings.BatchSize}: {settings.Batches} runs; ratios against {results[0].Model} (above 1 = faster)";

    private static string Number(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Row(int width, string model, params string[] cells) =>
        model.PadRight(width) + string.Concat(cells.Select((c, i) => c.PadLeft(i == 4 ? 16 : 9)));
}
