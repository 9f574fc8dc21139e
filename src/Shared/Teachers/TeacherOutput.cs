namespace Distill.Teachers;

/// <summary>
/// A teacher's outputs for one feature, over its real tokens only (T = the feature's length):
/// logits (C for classification, T × C for tagging, T × 2 for QA), the requested hidden states (T × H each),
/// the requested attention probabilities (heads × T × T each) and the pooled output (H) when there is one.
/// </summary>
internal sealed record TeacherOutput(float[] Logits, IReadOnlyList<float[]> Hidden, IReadOnlyList<float[]> Attentions, float[]? Pooled)
{
    /// <summary>Query, key and value (T × H each) of every requested projection layer, in that order.</summary>
    public IReadOnlyList<float[]> Projections { get; init; } = [];
}
