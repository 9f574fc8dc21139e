using Distill.Models;
using static TorchSharp.torch;

namespace Distill.Onnx;

/// <summary>What <see cref="BertOnnxImporter"/> recovered from an ONNX graph.</summary>
/// <param name="Config">The inferred config.</param>
/// <param name="Weights">Hugging Face key → tensor, ready for <see cref="StateDict.Load"/>.</param>
/// <param name="HasPooler">Whether pooler weights were found.</param>
/// <param name="Notes">How each non-obvious value was found (or assumed), for the user to read.</param>
internal sealed record OnnxImport(BertConfig Config, IReadOnlyDictionary<string, Tensor> Weights, bool HasPooler, IReadOnlyList<string> Notes);
