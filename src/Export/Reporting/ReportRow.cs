namespace Distill.Export.Reporting;

/// <summary>A model's line in the report's table: how big it is, how well it scores and how fast it runs.</summary>
/// <param name="Bytes">the .onnx file's size</param>
/// <param name="Metric">the dev metric computed through ONNX Runtime</param>
/// <param name="P50Ms">median latency at batch 1</param>
/// <param name="SequencesPerSecond">throughput at the bench's batch size</param>
internal sealed record ReportRow(string Name, long Parameters, long Bytes, double Metric, double P50Ms, double SequencesPerSecond);
