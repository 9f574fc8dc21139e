using static TorchSharp.torch;

namespace Distill.Models.BiGru;

/// <summary>
/// A BiGRU task model's output: logits (classification (B, C); tagging (B, T, C)) and its hidden states by layer,
/// [0] the embeddings (B, T, embedding_size) and [i] the i-th GRU layer's output (B, T, 2 × hidden_size), zero at
/// padded positions.
/// </summary>
internal sealed record BiGruOutput(Tensor Logits, IReadOnlyList<Tensor> HiddenStates);
