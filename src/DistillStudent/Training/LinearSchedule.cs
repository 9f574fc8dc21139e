namespace Distill.DistillStudent.Training;

/// <summary>Linear warm-up to the base learning rate, then linear decay to zero (Hugging Face's linear schedule).</summary>
internal static class LinearSchedule
{
    /// <param name="step">optimizer steps already taken (0 for the first step)</param>
    /// <param name="totalSteps">optimizer steps in the whole run</param>
    /// <param name="warmupSteps">steps of linear warm-up</param>
    /// <returns>the multiplier of the base learning rate for this step</returns>
    public static double Factor(long step, long totalSteps, long warmupSteps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (step < warmupSteps) return (double)step / Math.Max(1, warmupSteps);
        return Math.Max(0.0, (double)(totalSteps - step) / Math.Max(1, totalSteps - warmupSteps));
    }
}
