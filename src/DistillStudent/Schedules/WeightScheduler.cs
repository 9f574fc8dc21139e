namespace Distill.DistillStudent.Schedules;

/// <summary>TextBrewer's weight schedulers for kd_loss_weight and hard_label_weight.</summary>
internal static class WeightScheduler
{
    /// <summary>
    /// The weight of a batch taken when <paramref name="globalStep"/> optimizer steps are done. <c>none</c>:
    /// <paramref name="baseWeight"/>. Otherwise the registered scheduler's f(x) (built in: <c>linear_decay</c>: 1 − x;
    /// <c>linear_growth</c>: x; see <see cref="Registry.ComponentRegistry"/>), with x = globalStep / totalSteps
    /// (optimizer steps done / planned), clamped to [0, 1]. As in TextBrewer the scheduler REPLACES the configured
    /// weight rather than scaling it, and, as there, only from the first optimizer step on: TextBrewer sets the
    /// weight to f(step/total) after each optimizer step, so the batches of step 0 are trained at the configured
    /// weight (<c>kd_loss_weight</c> 0.7 with decay: 0.7, then 1 − 1/N, 1 − 2/N, …).
    /// </summary>
    public static double Weight(string scheduler, double baseWeight, long globalStep, long totalSteps)
    {
        if (scheduler == "none") return baseWeight;
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(globalStep);
        // Looked up before the step-0 shortcut so that an unknown name fails on the first batch, not the second.
        var weight = Registry.ComponentRegistry.WeightScheduler(scheduler);
        if (globalStep == 0) return baseWeight;
        return weight(Math.Min(1.0, (double)globalStep / totalSteps));
    }
}
