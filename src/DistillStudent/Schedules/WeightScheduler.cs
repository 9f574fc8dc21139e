using Distill.Models;

namespace Distill.DistillStudent.Schedules;

/// <summary>TextBrewer's weight schedulers for kd_loss_weight and hard_label_weight.</summary>
public static class WeightScheduler
{
    public static readonly IReadOnlyList<string> Names = ["none", "linear_decay", "linear_growth"];

    /// <summary>
    /// The weight of a batch taken when <paramref name="globalStep"/> optimizer steps are done. <c>none</c>:
    /// <paramref name="baseWeight"/>. <c>linear_decay</c>: 1 − x; <c>linear_growth</c>: x; with x = globalStep /
    /// totalSteps, clamped to [0, 1]. As in TextBrewer the scheduler REPLACES the configured weight rather than
    /// scaling it, and, as there, only from the first optimizer step on: TextBrewer sets the weight to f(step/total)
    /// after each optimizer step, so the batches of step 0 are trained at the configured weight
    /// (<c>kd_loss_weight</c> 0.7 with decay: 0.7, then 1 − 1/N, 1 − 2/N, …).
    /// </summary>
    public static double Weight(string scheduler, double baseWeight, long globalStep, long totalSteps)
    {
        if (scheduler == "none") return baseWeight;
        ArgumentOutOfRangeException.ThrowIfLessThan(totalSteps, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(globalStep);
        if (!Names.Contains(scheduler)) throw new ConfigException($"weight scheduler \"{scheduler}\" is not known; known: {string.Join(", ", Names)}");
        if (globalStep == 0) return baseWeight;
        var x = Math.Min(1.0, (double)globalStep / totalSteps);
        return scheduler == "linear_decay" ? 1 - x : x;
    }
}
