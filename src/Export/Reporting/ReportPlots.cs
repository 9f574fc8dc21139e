using ScottPlot;

namespace Distill.Export.Reporting;

/// <summary>The report's figures as PNG bytes: training curves per run and accuracy against latency per model.</summary>
public static class ReportPlots
{
    public const int Width = 900, Height = 540;

    public static byte[] DevCurves(IReadOnlyList<TrainingLog> logs, string metric)
    {
        var plot = new Plot();
        foreach (var log in logs)
        {
            var curve = log.DevCurve(metric);
            var line = plot.Add.Scatter(curve.Select(p => p.Epoch).ToArray(), curve.Select(p => p.Value).ToArray());
            (line.LegendText, line.LineWidth, line.MarkerSize) = (log.Name, 2, 8);
        }
        plot.Title($"Dev {metric} per epoch");
        plot.XLabel("epoch");
        plot.YLabel($"dev {metric}");
        return Png(plot, Alignment.LowerRight);
    }

    public static byte[] LossCurves(IReadOnlyList<TrainingLog> logs)
    {
        var plot = new Plot();
        foreach (var log in logs)
        {
            var line = plot.Add.Scatter(log.Losses.Select(p => (double)p.Step).ToArray(), log.Losses.Select(p => p.Loss).ToArray());
            (line.LegendText, line.LineWidth, line.MarkerSize) = (log.Name, 2, 0);
        }
        plot.Title("Training loss per step");
        plot.XLabel("optimizer step");
        // Each run logs its own objective, so the curves compare shapes, not heights.
        plot.YLabel("loss (teacher: cross-entropy; student: distillation total)");
        return Png(plot, Alignment.UpperRight);
    }

    public static byte[] MetricAgainstLatency(IReadOnlyList<ReportRow> rows, string metric, int length)
    {
        var plot = new Plot();
        for (var i = 0; i < rows.Count; i++)
        {
            var color = plot.Add.Palette.GetColor(i);
            plot.Add.Marker(rows[i].P50Ms, rows[i].Metric, MarkerShape.FilledCircle, 14, color);
            var label = plot.Add.Text($"{rows[i].Name} ({rows[i].P50Ms:F1} ms, {rows[i].Metric:F3})", rows[i].P50Ms, rows[i].Metric);
            (label.LabelFontSize, label.LabelFontColor, label.LabelOffsetX, label.LabelOffsetY) = (15, color, 10, -22);
        }
        plot.Title($"Dev {metric} against latency (batch 1, {length} tokens, ONNX Runtime)");
        plot.XLabel("p50 latency (ms), lower is better");
        plot.YLabel($"dev {metric}");
        // Room for the labels right of and above the points, and the origin in view so the ratios read true.
        var (maxLatency, minMetric, maxMetric) = (rows.Max(r => r.P50Ms), rows.Min(r => r.Metric), rows.Max(r => r.Metric));
        var span = Math.Max(maxMetric - minMetric, 0.02);
        plot.Axes.SetLimits(0, maxLatency * 1.5, minMetric - span * 0.5, maxMetric + span * 0.5);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static byte[] Png(Plot plot, Alignment legend)
    {
        plot.ShowLegend(legend);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
