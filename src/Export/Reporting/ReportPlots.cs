using ScottPlot;

namespace Distill.Export.Reporting;

/// <summary>The report's figures as PNG bytes: training curves per run and accuracy against latency per model.</summary>
internal static class ReportPlots
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
        var ticks = EpochTicks(logs.SelectMany(l => l.Dev).Select(p => p.Epoch).DefaultIfEmpty(1).Max());
        plot.Axes.Bottom.SetTicks(ticks, ticks.Select(t => t.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        plot.YLabel($"dev {metric}");
        return Png(plot, Alignment.LowerRight);
    }

    /// <summary>One run's training loss: each run logs its own objective (cross-entropy, a distillation total), so each gets its own plot.</summary>
    public static byte[] LossCurve(TrainingLog log)
    {
        var plot = new Plot();
        var line = plot.Add.Scatter(log.Losses.Select(p => (double)p.Step).ToArray(), log.Losses.Select(p => p.Loss).ToArray());
        (line.LineWidth, line.MarkerSize) = (2, 0);
        plot.Title($"Training loss per step: {log.Name}");
        plot.XLabel("optimizer step");
        plot.YLabel("loss (the run's own objective)");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Whole epochs from 0 to past <paramref name="maxEpoch"/>, at most about 10 ticks: an epoch axis has no fractional ticks.</summary>
    public static double[] EpochTicks(double maxEpoch)
    {
        var last = Math.Max(1, (int)Math.Ceiling(maxEpoch));
        var step = Math.Max(1, (int)Math.Ceiling(last / 10.0));
        return Enumerable.Range(0, (last + step - 1) / step + 1).Select(i => (double)(i * step)).ToArray();
    }

    /// <summary>
    /// The y of each point's label: at its point, or pushed down until it is at least <paramref name="gap"/> below
    /// the label above it (labels taken from the highest point down, ties in input order), so that points with equal
    /// or close values (an int8 export as accurate as its fp32 one) keep readable labels.
    /// </summary>
    public static double[] LabelRows(IReadOnlyList<double> ys, double gap)
    {
        var rows = new double[ys.Count];
        var above = double.PositiveInfinity;
        foreach (var i in Enumerable.Range(0, ys.Count).OrderByDescending(i => ys[i]).ThenBy(i => i))
        {
            rows[i] = Math.Min(ys[i], above - gap);
            above = rows[i];
        }
        return rows;
    }

    public static byte[] MetricAgainstLatency(IReadOnlyList<ReportRow> rows, string metric, int length)
    {
        var plot = new Plot();
        var (maxLatency, minMetric, maxMetric) = (rows.Max(r => r.P50Ms), rows.Min(r => r.Metric), rows.Max(r => r.Metric));
        var span = Math.Max(maxMetric - minMetric, 0.02);
        // A label is about a tenth of the axis span tall at this size (the axis shows twice the span).
        var labelRows = LabelRows(rows.Select(r => r.Metric).ToList(), span * 0.1);
        for (var i = 0; i < rows.Count; i++)
        {
            var color = plot.Add.Palette.GetColor(i);
            plot.Add.Marker(rows[i].P50Ms, rows[i].Metric, MarkerShape.FilledCircle, 14, color);
            var label = plot.Add.Text($"{rows[i].Name} ({rows[i].P50Ms:F1} ms, {rows[i].Metric:F3})", rows[i].P50Ms, labelRows[i]);
            (label.LabelFontSize, label.LabelFontColor, label.LabelOffsetX, label.LabelOffsetY) = (15, color, 10, -22);
        }
        plot.Title($"Dev {metric} against latency (batch 1, {length} tokens, ONNX Runtime)");
        plot.XLabel("p50 latency (ms), lower is better");
        plot.YLabel($"dev {metric}");
        // Room for the labels right of and above the points (and pushed below them), and the origin in view so the ratios read true.
        plot.Axes.SetLimits(0, maxLatency * 1.5, Math.Min(minMetric, labelRows.Min()) - span * 0.5, maxMetric + span * 0.5);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static byte[] Png(Plot plot, Alignment legend)
    {
        plot.ShowLegend(legend);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }
}
