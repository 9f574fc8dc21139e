namespace Distill.Metrics;

/// <summary>
/// Micro-averaged entity-level scores: <see cref="CorrectCount"/> predicted spans match a gold span in type,
/// start and end. Precision (recall) is 0 when nothing was predicted (nothing was gold); F1 is 0 when both are 0.
/// </summary>
internal sealed record EntityScores(
    double Precision,
    double Recall,
    double F1,
    int GoldCount,
    int PredictedCount,
    int CorrectCount);
