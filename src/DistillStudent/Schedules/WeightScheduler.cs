namespace Distill.DistillStudent.Schedules;

/// <summary>TextBrewer's weight schedulers for kd_loss_weight and hard_label_weight.</summary>
public static class WeightScheduler
{
    /// <summary>
    /// <c>none</c>: <paramref name="baseWeight"/>. Otherwise the registered scheduler's f(x) (built in:
    /// <c>linear_decay</c>: 1 − x; <c>linear_growth</c>: x; see <see cref="Registry.ComponentRegistry"/>), with
    /// x = globalStep / totalSteps (optimizer steps done / planned), clamped to [0, 1]. As in TextBrewer the
    /// scheduler REPLACES the configured weight rather than scaling it: decay runs from 1 to 0 whatever
    /// kd_loss_weight says. TextBrewer keeps the configured weight until its first optimizer step; we give f(0)
    /// there, the same for the usual pairs (decay from weight 1, growth from weight 0).
    /// </summary>
    public static double Weight(string scheduler, double baseWeight, long globalStep, long totalSteps)
    {
        if (scheduler == "none") return baseWeight;
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(globalStep);
        var x = Math.Min(1.0, (double)globalStep / totalSteps);
        return Registry.ComponentRegistry.WeightScheduler(scheduler)(x);
    }
}
