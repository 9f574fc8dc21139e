namespace Distill.DistillStudent.Training;

/// <summary>
/// How a run ended: steps taken, the best dev metric and where that model is, the last metrics, and the batches whose
/// loss or gradient was not finite, counted as the optimizer steps skipped (<see cref="Configuration.TrainingConfig.SkipNonFiniteBatches"/>).
/// </summary>
public sealed record TrainingSummary(long Steps, string? MainMetric, double? BestMetric, long? BestStep, string BestDir,
    IReadOnlyDictionary<string, double>? LastMetrics, TimeSpan Elapsed, long SkippedSteps = 0);
