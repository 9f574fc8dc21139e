using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Teachers;

/// <summary>
/// The KD target of several teachers (TextBrewer's MultiTeacherDistiller): the mean of their raw logits, weighted
/// when weights are given (Σ wᵢ·logitsᵢ / Σ wᵢ). The mean is taken before any temperature, so the temperature,
/// its scheduler and probability_shift then apply to it as to one teacher's logits.
/// </summary>
internal static class TeacherEnsemble
{
    /// <param name="logits">each teacher's logits, all of one shape</param>
    /// <param name="weights">one non-negative weight per teacher with a positive sum; null weighs them equally</param>
    public static Tensor MeanLogits(IReadOnlyList<Tensor> logits, IReadOnlyList<double>? weights = null)
    {
        ArgumentOutOfRangeException.ThrowIfZero(logits.Count);
        if (weights is not null && weights.Count != logits.Count)
        {
            throw new ArgumentException($"{weights.Count} teacher weights for {logits.Count} teachers", nameof(weights));
        }
        if (logits.Count == 1) return logits[0];
        var w = weights ?? Enumerable.Repeat(1.0, logits.Count).ToList();
        var sum = w.Sum();
        var mean = logits[0].Times(w[0] / sum);
        for (var i = 1; i < logits.Count; i++) mean = mean.Plus(logits[i].Times(w[i] / sum));
        return mean;
    }

    /// <summary>Null when the weights suit <paramref name="teachers"/> teachers, else what is wrong with them.</summary>
    public static string? WeightsProblem(IReadOnlyList<double> weights, int teachers) =>
        weights.Count != teachers ? $"{weights.Count} weight(s) for {teachers} teacher(s); give one per teacher"
        : weights.Any(w => !(w >= 0)) ? $"weights must not be negative, found [{string.Join(", ", weights)}]"
        : !(weights.Sum() > 0) ? "the weights must not all be 0"
        : null;
}
