using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>KD against a teacher kept as top-k logits, the form our cache stores for wide outputs.</summary>
internal static class TopKLoss
{
    // Stands in for −inf on the classes the teacher left out; never collected, so LibTorch can read it mid-call (KeptScalars).
    private static readonly Scalar VeryNegative = (-1e30f).ToScalar();

    /// <summary>
    /// Soft cross-entropy against a teacher known by its top k logits <paramref name="topkValues"/> (…, k), their
    /// class indices <paramref name="topkIndices"/> (…, k, int64) and the log-sum-exp over all classes
    /// <paramref name="logSumExp"/> (…), where … is (B) or (B, T) as <paramref name="studentLogits"/> (…, C).
    /// <para>
    /// The rule: at τ = 1 the teacher's top-k probabilities are exact, p_i = exp(v_i − lse), and the rest of its mass
    /// r = 1 − Σ p_i (clamped at 0) is spread over classes we do not know. The loss per row is
    /// −Σ_i p_i · log q_{idx_i} − r · log(1 − Σ_i q_{idx_i}): the tail mass is matched against the student's total
    /// probability outside the teacher's top k, the one thing that can be said about it without knowing how the
    /// teacher spreads it. When k = C there is no tail and this is exactly <see cref="KdLosses.SoftCrossEntropy"/>.
    /// Rows are averaged, real positions only when <paramref name="mask"/> (B, T) is given.
    /// </para>
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="temperature"/> is not 1: softmax(v/τ) needs the log-sum-exp of all logits divided by τ, which
    /// the cache (lse at τ = 1 only) cannot recover.
    /// </exception>
    public static Tensor TopKSoftCrossEntropy(Tensor studentLogits, Tensor topkValues, Tensor topkIndices, Tensor logSumExp, double temperature, Tensor? mask)
    {
        if (temperature != 1)
        {
            throw new ArgumentOutOfRangeException(nameof(temperature), temperature,
                "top-k teacher logits hold the log-sum-exp at temperature 1 only, so the teacher's distribution at another temperature cannot be recovered; " +
                "use temperature 1 (and no flsw/cwsm scheduler) with a top-k cache, or cache full logits (no --top-k)");
        }
        long classes = studentLogits.shape[^1];
        long k = topkValues.shape[^1];
        if (topkIndices.shape[^1] != k || k > classes)
        {
            throw new ArgumentException($"top-k values have k = {k}, indices k = {topkIndices.shape[^1]}, for {classes} classes; both must be the same k ≤ the class count", nameof(topkIndices));
        }
        var logStudent = nn.functional.log_softmax(studentLogits, -1);                        // (…, C)
        var pTeacher = (topkValues.to_type(studentLogits.dtype) - logSumExp.to_type(studentLogits.dtype).unsqueeze(-1)).exp(); // (…, k)
        var rows = -(pTeacher * logStudent.gather(-1, topkIndices)).sum(-1);                   // (…)
        if (k < classes)
        {
            var tail = pTeacher.sum(-1).SubtractedFrom(1).clamp_min(KeptScalars.Zero);
            // Large negative instead of −inf: log-sum-exp over the unselected classes stays finite with finite gradients.
            var outside = studentLogits.scatter(-1, topkIndices, full_like(topkIndices, VeryNegative, dtype: studentLogits.dtype));
            var logRest = outside.logsumexp(-1) - studentLogits.logsumexp(-1);
            rows = rows - tail * logRest;
        }
        return Reduce.RowMean(rows, KdLosses.Checked(studentLogits, mask));
    }
}
