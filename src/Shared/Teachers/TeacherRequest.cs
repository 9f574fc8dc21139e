namespace Distill.Teachers;

/// <summary>
/// Which intermediate outputs to return besides the logits. Hidden layers count from 0 (the embedding output)
/// to N; attention layers from 1 to N (the layer whose self-attention it is), as TextBrewer numbers them.
/// </summary>
public sealed record TeacherRequest(IReadOnlyList<int> HiddenLayers, IReadOnlyList<int> AttentionLayers, bool Pooled);
