using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Schedules;

/// <summary>The temperature for one batch's KD loss: TextBrewer's schedulers, or a registered one's function.</summary>
internal static class TemperatureScheduler
{
    /// <summary>
    /// <c>none</c>/<c>constant</c>: a scalar tensor holding <paramref name="baseTemperature"/>. <c>flsw</c> and
    /// <c>cwsm</c>: one temperature per row of the logits, (B) for (B, C) and (B, T) for (B, T, C), which the KD losses
    /// give a class axis; computed from detached logits under no_grad, as TextBrewer does:
    /// <list type="bullet">
    /// <item>flsw: w = (1 − ŝ·t̂)^γ per row with x̂ = x / (‖x‖ + eps), τ = base + (mean(w) − w)·β (rows the student
    /// already agrees with get a higher τ); eps keeps an all-zero row finite, as in TextBrewer;</item>
    /// <item>cwsm: w = 1 / (max softmax(s) + 0.001) per row, τ = base + (mean(w) − w)·β.</item>
    /// </list>
    /// TextBrewer sees token-level logits after selecting real positions, so with <paramref name="mask"/> (B, T) the
    /// mean runs over real positions only. τ is not clamped: a large β can drive it to or below 0, as in TextBrewer.
    /// </summary>
    public static Tensor Temperature(TemperatureSchedule schedule, double baseTemperature, Tensor studentLogits, Tensor teacherLogits, Tensor? mask = null)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Name is "none" or "constant") return tensor(baseTemperature, dtype: studentLogits.dtype, device: studentLogits.device);
        using var noGrad = no_grad();
        if (schedule.Function is { } custom) return custom(studentLogits.detach(), teacherLogits.detach(), baseTemperature, mask);
        using var scope = NewDisposeScope();
        var s = studentLogits.detach();
        Tensor w = schedule.Name switch
        {
            "flsw" => (Unit(s, schedule.Eps) * Unit(teacherLogits.detach(), schedule.Eps)).sum(-1).SubtractedFrom(1).Power(schedule.Gamma),
            "cwsm" => nn.functional.softmax(s, -1).max(-1).values.Plus(1e-3).reciprocal(), // 1 / (max + 1e-3): TorchSharp's 1 / t is t.reciprocal() * 1
            _ => throw new ArgumentException($"the temperature schedule \"{schedule.Name}\" has no function: build it with TemperatureSchedule.Parse, which resolves names in ComponentRegistry", nameof(schedule)),
        };
        Tensor mean;
        if (mask is null)
        {
            mean = w.mean();
        }
        else
        {
            var m = mask.to_type(w.dtype);
            mean = (w * m).sum() / m.sum().clamp_min(KeptScalars.One);
        }
        return (mean - w).Times(schedule.Beta).Plus(baseTemperature).MoveToOuterDisposeScope();
    }

    private static Tensor Unit(Tensor logits, double eps) => logits / logits.norm(-1, keepdim: true).Plus(eps);
}
