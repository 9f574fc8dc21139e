using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>
/// TextBrewer's KD losses (<c>kd_ce_loss</c>, <c>kd_mse_loss</c>) and a KL form. Each computes one value per row
/// (example, or position for token-level logits) and averages over rows, real positions only when a mask is given,
/// which is what TextBrewer gets by selecting the logits with <c>logits_mask</c> first.
/// </summary>
internal static class KdLosses
{
    /// <summary>
    /// <c>ce</c>: −Σ_c softmax(t/τ)_c · log_softmax(s/τ)_c per row, averaged. No τ² factor, as in TextBrewer, so
    /// gradients shrink as τ grows; raise kd_loss_weight or use <c>kl</c> to compensate.
    /// </summary>
    public static Tensor SoftCrossEntropy(Tensor studentLogits, Tensor teacherLogits, Tensor temperature, Tensor? mask)
    {
        var tau = Reduce.ForLogits(temperature);
        var pTeacher = nn.functional.softmax(teacherLogits / tau, -1);
        var rows = -(pTeacher * nn.functional.log_softmax(studentLogits / tau, -1)).sum(-1);
        return Reduce.RowMean(rows, Checked(studentLogits, mask));
    }

    /// <summary><c>mse</c>: mean of (s/τ − t/τ)² over classes and rows, as TextBrewer's F.mse_loss on the scaled logits.</summary>
    public static Tensor MeanSquaredError(Tensor studentLogits, Tensor teacherLogits, Tensor temperature, Tensor? mask)
    {
        var tau = Reduce.ForLogits(temperature);
        var rows = (studentLogits / tau - teacherLogits / tau).Power(2).mean([-1]);
        return Reduce.RowMean(rows, Checked(studentLogits, mask));
    }

    /// <summary>
    /// <c>kl</c>: KL(p_T ‖ p_S) = Σ_c p_T (log p_T − log p_S) at temperature τ, times τ² (Hinton's factor, so the
    /// gradient scale does not depend on τ), with batchmean semantics: the sum over classes averaged over rows (not
    /// over rows × classes). A per-row τ multiplies its own row by its own τ². Differs from <c>ce</c> by the teacher
    /// entropy (constant for the student) and the τ² factor.
    /// </summary>
    public static Tensor KullbackLeibler(Tensor studentLogits, Tensor teacherLogits, Tensor temperature, Tensor? mask)
    {
        var tau = Reduce.ForLogits(temperature);
        var logTeacher = nn.functional.log_softmax(teacherLogits / tau, -1);
        var logStudent = nn.functional.log_softmax(studentLogits / tau, -1);
        var rows = (logTeacher.exp() * (logTeacher - logStudent)).sum(-1) * temperature.Power(2);
        return Reduce.RowMean(rows, Checked(studentLogits, mask));
    }

    internal static Tensor? Checked(Tensor logits, Tensor? mask)
    {
        if (mask is not null && logits.dim() != 3)
        {
            throw new ArgumentException($"a mask applies to token-level (B, T, C) logits; these are [{string.Join(", ", logits.shape)}] (pass null)", nameof(mask));
        }
        return mask;
    }
}
