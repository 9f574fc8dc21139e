using Distill.Configuration;

namespace Distill.DistillStudent.Training;

/// <summary>
/// The shape of a run, derived from the config and the data size: batches and optimizer steps per epoch,
/// total steps, warm-up, and where checkpoints fall (TextBrewer's meaning of
/// ckpt_frequency, ckpt_epoch_frequency and ckpt_steps).
/// </summary>
public sealed record TrainingPlan(int Examples, int BatchSize, int Accumulation, int Epochs,
    int CkptFrequency, int CkptEpochFrequency, int? CkptSteps, double WarmupProportion)
{
    public static TrainingPlan From(TrainingConfig config, int examples) => new(examples, config.BatchSize,
        config.GradientAccumulationSteps, config.NumEpochs, config.CkptFrequency, config.CkptEpochFrequency,
        config.CkptSteps, config.WarmupProportion);

    public int BatchesPerEpoch => (Examples + BatchSize - 1) / BatchSize;
    public int StepsPerEpoch => (BatchesPerEpoch + Accumulation - 1) / Accumulation;
    public long TotalSteps => (long)StepsPerEpoch * Epochs;
    public long WarmupSteps => (long)(TotalSteps * WarmupProportion);

    /// <summary>Whether the optimizer step that just finished is followed by a checkpoint.</summary>
    /// <param name="globalStep">steps taken so far in the run (1 after the first)</param>
    /// <param name="epoch">the current epoch, from 0</param>
    /// <param name="stepInEpoch">steps taken so far in this epoch (1 after its first)</param>
    public bool IsCheckpoint(long globalStep, int epoch, int stepInEpoch)
    {
        if (globalStep == TotalSteps) return true;
        if (CkptSteps is { } every) return globalStep % every == 0;
        if ((epoch + 1) % CkptEpochFrequency != 0) return false;
        // ckpt_frequency checkpoints spread evenly over the epoch, the last at its end.
        for (var k = 1; k <= CkptFrequency; k++)
        {
            if (stepInEpoch == (int)Math.Round((double)k * StepsPerEpoch / CkptFrequency)) return true;
        }
        return false;
    }
}
