namespace Distill.DistillStudent.Training;

/// <summary>How a run ended: steps taken, the best dev metric and where that model is, the last metrics.</summary>
public sealed record TrainingSummary(long Steps, string? MainMetric, double? BestMetric, long? BestStep, string BestDir,
    IReadOnlyDictionary<string, double>? LastMetrics, TimeSpan Elapsed);
