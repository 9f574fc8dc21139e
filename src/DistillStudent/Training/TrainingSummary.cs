namespace Distill.DistillStudent.Training;

/// <summary>
/// How a run ended: steps taken, the best dev metric and where that model is, the last metrics, and the batches whose
/// loss or gradient was not finite, counted as the optimizer steps skipped (<see cref="Configuration.TrainingConfig.SkipNonFiniteBatches"/>).
/// </summary>
/// <param name="Steps">the optimizer step the run ended at</param>
/// <param name="MainMetric">the dev metric that ranked checkpoints; null without dev data</param>
/// <param name="BestMetric">its best value; null without dev data</param>
/// <param name="BestStep">the step of the best checkpoint; null without dev data</param>
/// <param name="BestDir">the directory the best model is kept in, <c>OUTPUT/best</c></param>
/// <param name="LastMetrics">the dev metrics of the last checkpoint; null without dev data</param>
/// <param name="Elapsed">the wall-clock time the run took</param>
/// <param name="SkippedSteps">optimizer steps skipped for a non-finite loss or gradient</param>
public sealed record TrainingSummary(long Steps, string? MainMetric, double? BestMetric, long? BestStep, string BestDir,
    IReadOnlyDictionary<string, double>? LastMetrics, TimeSpan Elapsed, long SkippedSteps = 0);
