using Distill.DistillStudent.Configuration;

namespace Distill.DistillStudent.Training;

/// <summary>
/// The shape of a run, derived from the config and the data size: batches and optimizer steps per epoch,
/// total steps, warm-up, and where checkpoints fall (TextBrewer's meaning of
/// ckpt_frequency, ckpt_epoch_frequency and ckpt_steps). With <see cref="NumSteps"/> the run is that many steps,
/// the data cycled over as many epochs as it takes (the last one cut short), as TextBrewer's <c>num_steps</c>.
/// </summary>
internal sealed record TrainingPlan(int Examples, int BatchSize, int Accumulation, int Epochs,
    int CkptFrequency, int CkptEpochFrequency, int? CkptSteps, double WarmupProportion, int? NumSteps = null)
{
    public static TrainingPlan From(TrainingConfig config, int examples) => new(examples, config.BatchSize,
        config.GradientAccumulationSteps, config.NumEpochs, config.CkptFrequency, config.CkptEpochFrequency,
        config.CkptSteps, config.WarmupProportion, config.NumSteps);

    public int BatchesPerEpoch => (Examples + BatchSize - 1) / BatchSize;
    public int StepsPerEpoch => (BatchesPerEpoch + Accumulation - 1) / Accumulation;

    /// <summary>Epochs the loop enters: the config's, or with <see cref="NumSteps"/> as many as its steps reach into.</summary>
    public int LoopEpochs => NumSteps is { } steps ? (int)((steps + (long)StepsPerEpoch - 1) / StepsPerEpoch) : Epochs;

    public long TotalSteps => NumSteps ?? (long)StepsPerEpoch * Epochs;
    public long WarmupSteps => (long)(TotalSteps * WarmupProportion);

    /// <summary>Whether the optimizer step that just finished is followed by a checkpoint.</summary>
    /// <param name="globalStep">steps taken so far in the run (1 after the first)</param>
    /// <param name="epoch">the current epoch, from 0</param>
    /// <param name="stepInEpoch">steps taken so far in this epoch (1 after its first)</param>
    public bool IsCheckpoint(long globalStep, int epoch, int stepInEpoch)
    {
        if (globalStep == TotalSteps) return true;
        if (CkptSteps is { } every) return globalStep % every == 0;
        if ((epoch + 1) % CkptEpochFrequency != 0 && epoch + 1 != LoopEpochs) return false;
        // TextBrewer's positions: int(steps_per_epoch · k / ckpt_frequency) for k = 0 … f − 1, truncated, where 0
        // stands for the epoch's last step (7 steps, frequency 2: after steps 3 and 7).
        var position = stepInEpoch % StepsPerEpoch;
        for (var k = 0; k < CkptFrequency; k++)
        {
            if (position == (int)((long)StepsPerEpoch * k / CkptFrequency)) return true;
        }
        return false;
    }
}
