using Distill.Export.Parity;

namespace Distill.Export.Exporting;

/// <summary>What <see cref="OnnxExporter"/> did.</summary>
/// <param name="OutputPath">the .onnx file</param>
/// <param name="Published">false when parity failed: nothing was written under <paramref name="OutputPath"/></param>
/// <param name="Parity">parity on the built-in inputs</param>
/// <param name="Failures">each output that missed a limit (empty when published)</param>
/// <param name="OpCounts">the written graph's nodes by op type (fused ONNX Runtime ops appear as <c>com.microsoft.*</c>)</param>
/// <param name="Bytes">the file's size</param>
internal sealed record ExportResult(string OutputPath, bool Published, ParityReport Parity, IReadOnlyList<string> Failures, IReadOnlyList<KeyValuePair<string, int>> OpCounts, long Bytes);
