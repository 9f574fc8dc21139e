namespace Distill.Teachers;

/// <summary>
/// Which intermediate outputs to return besides the logits. As in TextBrewer, hidden layers count from 0 (the
/// embedding output) to N, and attention layers from 0 (the first layer's self-attention) to N - 1.
/// </summary>
internal sealed record TeacherRequest(IReadOnlyList<int> HiddenLayers, IReadOnlyList<int> AttentionLayers, bool Pooled)
{
    /// <summary>Layers (0 = the first) whose self-attention query, key and value projections to return, for MiniLM's relations.</summary>
    public IReadOnlyList<int> ProjectionLayers { get; init; } = [];
}
