namespace Distill.Export.Bench;

/// <summary>One model at one sequence length: batch-1 latency percentiles and batched throughput.</summary>
internal sealed record LengthResult(int Length, double P50Ms, double P95Ms, double SequencesPerSecond);

/// <summary>One model's figures, per length in the order asked for.</summary>
internal sealed record ModelResult(string Model, string Provider, IReadOnlyList<LengthResult> Lengths);

/// <summary>One model's profile at one length and batch size: kernel time by op type over <paramref name="Runs"/> runs (warm-up included), and the trace file.</summary>
internal sealed record ProfileResult(string Model, int Length, int Batch, int Runs, IReadOnlyList<OpTime> Ops, string File);
