using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>Changes made to the teacher's logits before the KD loss.</summary>
internal static class TeacherLogits
{
    /// <summary>
    /// TextBrewer's <c>probability_shift_</c> without the in-place write: in each row, swaps the logit of the true
    /// label with the largest logit, so the teacher's top class is always the true one. Logits (B, C) with labels (B),
    /// or (B, T, C) with labels (B, T). A negative label (−100 = ignore) leaves its row unchanged; TextBrewer does so
    /// for token-level labels only, but a negative class index means nothing for either shape.
    /// </summary>
    public static Tensor ProbabilityShift(Tensor teacherLogits, Tensor labels)
    {
        if (teacherLogits.dim() is not (2 or 3) || labels.dim() != teacherLogits.dim() - 1)
        {
            throw new ArgumentException($"logits must be (B, C) with labels (B), or (B, T, C) with labels (B, T); found [{string.Join(", ", teacherLogits.shape)}] and [{string.Join(", ", labels.shape)}]");
        }
        using var scope = NewDisposeScope();
        var rows = teacherLogits.reshape(-1, teacherLogits.shape[^1]);                     // (N, C)
        var top = rows.argmax(-1).unsqueeze(-1);                                           // (N, 1)
        var flatLabels = labels.reshape(-1, 1).to_type(ScalarType.Int64);
        var truth = where(flatLabels.lt(KeptScalars.Zero), top, flatLabels);                                // ignored rows swap top with itself
        var topValue = rows.gather(-1, top);
        var truthValue = rows.gather(-1, truth);
        var shifted = rows.scatter(-1, top, truthValue).scatter(-1, truth, topValue);
        return shifted.reshape(teacherLogits.shape).MoveToOuterDisposeScope();
    }
}
