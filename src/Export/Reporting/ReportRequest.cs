namespace Distill.Export.Reporting;

/// <summary>What <see cref="RunReport.Write"/> reads and where it writes.</summary>
/// <param name="OutputDirectory">receives report.md and the PNG plots</param>
/// <param name="BenchPath">the output of <c>export-onnx bench --json</c> over every model's ONNX file</param>
/// <param name="Length">the bench length (tokens) whose figures the table shows</param>
/// <param name="Metric">the dev metric of the table and plots (a key of the metrics files, e.g. accuracy)</param>
/// <param name="Curves">runs whose metrics.jsonl gives the training curves, by name</param>
/// <param name="Models">the table's rows, in order</param>
internal sealed record ReportRequest(string OutputDirectory, string BenchPath, int Length, string Metric,
    IReadOnlyList<(string Name, string MetricsPath)> Curves, IReadOnlyList<ReportModel> Models);
