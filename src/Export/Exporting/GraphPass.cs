using Onnx;

namespace Distill.Export.Exporting;

/// <summary>
/// One rewrite of the exported graph (ONNX Runtime's optimisation, quantization, fp16 ...). The exporter applies
/// its passes in order between building the graph and checking parity, so a new one is one more list entry.
/// </summary>
/// <param name="Name">for the log</param>
/// <param name="Apply">takes the model and returns the rewritten one</param>
internal sealed record GraphPass(string Name, Func<ModelProto, ModelProto> Apply);
