using Onnx;

namespace Distill.Export.Quantization;

/// <summary>A rewritten copy of a model (the input is never modified) and the pass's report.</summary>
internal sealed record OnnxPassResult<TReport>(ModelProto Model, TReport Report) where TReport : IPassReport;
