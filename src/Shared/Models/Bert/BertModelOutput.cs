using static TorchSharp.torch;

namespace Distill.Models.Bert;

/// <summary>What <see cref="BertModel"/> returns.</summary>
/// <param name="HiddenStates">num_hidden_layers + 1 tensors (B, T, H); index 0 is the embedding output.</param>
/// <param name="Attentions">One (B, heads, T, T) tensor per layer, when asked for; else null.</param>
/// <param name="PooledOutput">(B, H) when the model has a pooler; else null.</param>
public sealed record BertModelOutput(IReadOnlyList<Tensor> HiddenStates, IReadOnlyList<Tensor>? Attentions, Tensor? PooledOutput)
{
    /// <summary>The last layer's hidden states (B, T, H), what a task head reads.</summary>
    public Tensor LastHiddenState => HiddenStates[^1];
}
