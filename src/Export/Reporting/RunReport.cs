using System.Globalization;
using System.Text;
using Distill.Inference;
using Distill.IO;
using Distill.Models;
using Distill.Errors;

namespace Distill.Export.Reporting;

/// <summary>The report's table and the paths of what was written.</summary>
internal sealed record ReportResult(string Table, string MarkdownPath, IReadOnlyList<string> PlotPaths);

/// <summary>
/// Reads the runs' metrics logs, the evaluations and the bench figures of a pipeline and writes <c>report.md</c>
/// beside its PNG plots, every file atomically. Numbers are copied from the files read, only rounded for print.
/// </summary>
internal static class RunReport
{
    public const string MarkdownFile = "report.md";

    /// <summary>A run's own loss plot (each run's loss has its own meaning): <c>train-loss-NAME.png</c>, the name's letters and digits kept.</summary>
    public static string LossPlot(string run) =>
        $"train-loss-{string.Concat(run.Select(c => char.IsAsciiLetterOrDigit(c) ? char.ToLowerInvariant(c) : '-')).Trim('-')}.png";

    public static string DevPlot(string metric) => $"dev-{metric}.png";

    public static string LatencyPlot(string metric) => $"{metric}-latency.png";

    public static ReportResult Write(ReportRequest request)
    {
        if (request.Models.Count == 0) throw new ConfigException("report: expected at least one --model; found none");
        var bench = BenchFigures.Read(request.BenchPath);
        var rows = request.Models.Select(model =>
        {
            var figure = bench.Find(model.OnnxPath, request.Length);
            return new ReportRow(model.Name, model.CountParameters(), new FileInfo(ExportLayout.ResolveModel(model.OnnxPath)).Length, model.ReadMetric(request.Metric),
                figure.P50Ms, figure.SequencesPerSecond);
        }).ToList();
        var logs = request.Curves.Select(c => TrainingLog.Read(c.Name, c.MetricsPath)).ToList();

        Directory.CreateDirectory(request.OutputDirectory);
        var plots = new List<(string File, byte[] Png)> { (LatencyPlot(request.Metric), ReportPlots.MetricAgainstLatency(rows, request.Metric, request.Length)) };
        if (logs.Count > 0)
        {
            plots.Add((DevPlot(request.Metric), ReportPlots.DevCurves(logs, request.Metric)));
            foreach (var log in logs) plots.Add((LossPlot(log.Name), ReportPlots.LossCurve(log)));
        }
        foreach (var (file, png) in plots) AtomicFile.Write(Path.Combine(request.OutputDirectory, file), s => s.Write(png));

        var table = Table(rows, request.Metric, request.Length, bench);
        var markdown = Path.Combine(request.OutputDirectory, MarkdownFile);
        AtomicFile.WriteAllText(markdown, Markdown(request, table, logs, plots.Select(p => p.File).ToList()));
        return new ReportResult(table, markdown, plots.Select(p => Path.Combine(request.OutputDirectory, p.File)).ToList());
    }

    /// <summary>The table as Markdown: one row per model, figures rounded for print.</summary>
    public static string Table(IReadOnlyList<ReportRow> rows, string metric, int length, BenchFigures bench)
    {
        var text = new StringBuilder();
        text.AppendLine($"| model | parameters | size on disk | dev {metric} | latency p50, batch 1, {length} tokens | throughput, batch {bench.BatchSize}, {length} tokens |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|");
        foreach (var (r, i) in rows.Select((r, i) => (r, i)))
        {
            var (latency, throughput) = i == 0 ? ("", "") : (Invariant($" ({rows[0].P50Ms / r.P50Ms:F1}×)"), Invariant($" ({r.SequencesPerSecond / rows[0].SequencesPerSecond:F1}×)"));
            text.AppendLine(Invariant($"| {r.Name} | {r.Parameters:N0} | {r.Bytes / 1e6:F1} MB | {r.Metric:F4} | {r.P50Ms:F1} ms{latency} | {r.SequencesPerSecond:F1} seq/s{throughput} |"));
        }
        return text.ToString();
    }

    private static string Markdown(ReportRequest request, string table, IReadOnlyList<TrainingLog> logs, IReadOnlyList<string> plots)
    {
        // Paths as seen from the report's folder, so that the report reads the same wherever the run folder is moved.
        string Relative(string path) => Path.GetRelativePath(request.OutputDirectory, Path.GetFullPath(path)).Replace('\\', '/');
        var text = new StringBuilder();
        text.AppendLine("# Distillation report").AppendLine();
        text.AppendLine(table);
        text.AppendLine($"Dev {request.Metric} through ONNX Runtime (`export-onnx predict --eval`); parameters counted in each model's " +
                        "model.safetensors (the int8 export has the same ones, stored in 8 bits); size of the .onnx file; " +
                        $"latency and throughput from `{Relative(request.BenchPath)}` on synthetic inputs of exactly {request.Length} tokens; " +
                        "in brackets, how many times the first row's latency and throughput each model's is (above 1 = faster).").AppendLine();
        text.AppendLine($"![dev {request.Metric} against latency]({LatencyPlot(request.Metric)})").AppendLine();
        if (logs.Count > 0)
        {
            text.AppendLine("## Training").AppendLine();
            text.AppendLine($"![dev {request.Metric} per epoch]({DevPlot(request.Metric)})").AppendLine();
            foreach (var log in logs) text.AppendLine($"![training loss per step, {log.Name}]({LossPlot(log.Name)})").AppendLine();
            text.AppendLine(DevTable(logs, request.Metric));
            text.AppendLine("Read from " + string.Join(", ", logs.Select(l => $"`{Relative(l.Path)}` ({l.Name})")) + ".");
        }
        return text.ToString();
    }

    /// <summary>Dev metric per epoch, one column per run (blank where a run has no such epoch).</summary>
    private static string DevTable(IReadOnlyList<TrainingLog> logs, string metric)
    {
        var curves = logs.Select(l => l.DevCurve(metric).ToDictionary(p => p.Epoch, p => p.Value)).ToList();
        var text = new StringBuilder();
        text.AppendLine($"| epoch | {string.Join(" | ", logs.Select(l => $"{l.Name} dev {metric}"))} |");
        text.AppendLine($"|---|{string.Concat(logs.Select(_ => "---:|"))}");
        foreach (var epoch in curves.SelectMany(c => c.Keys).Distinct().Order())
            text.AppendLine(Invariant($"| {epoch:0.##} | ") + string.Join(" | ", curves.Select(c => c.TryGetValue(epoch, out var v) ? Invariant($"{v:F4}") : "")) + " |");
        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
