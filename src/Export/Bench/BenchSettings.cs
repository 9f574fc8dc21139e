using Distill.Models;
using Distill.Errors;

namespace Distill.Export.Bench;

/// <summary>What <see cref="OnnxBench"/> measures: latency at batch 1 and throughput at <see cref="BatchSize"/>, per sequence length.</summary>
/// <param name="Lengths">Sequence lengths in tokens, [CLS] and [SEP] included.</param>
/// <param name="Threads">ONNX Runtime intra-op threads.</param>
/// <param name="Iterations">Timed batch-1 runs per model and length (p50 and p95 are taken over them).</param>
/// <param name="Warmup">Untimed runs before each timed series.</param>
/// <param name="BatchSize">Sequences per throughput run.</param>
/// <param name="Batches">Timed throughput runs per model and length.</param>
/// <param name="PreferCuda">Try the CUDA provider first.</param>
internal sealed record BenchSettings(IReadOnlyList<int> Lengths, int Threads, int Iterations, int Warmup, int BatchSize, int Batches, bool PreferCuda)
{
    public void Validate()
    {
        if (Lengths.Count == 0 || Lengths.Any(l => l < 2)) throw new ConfigException($"--lengths: expected lengths of at least 2 tokens ([CLS] and [SEP]), found {string.Join(",", Lengths)}");
        if (Threads < 1) throw new ConfigException($"--threads: expected at least 1, found {Threads}");
        if (Iterations < 1) throw new ConfigException($"--iterations: expected at least 1, found {Iterations}");
        if (Warmup < 0) throw new ConfigException($"--warmup: expected 0 or more, found {Warmup}");
        if (BatchSize < 1) throw new ConfigException($"--batch-size: expected at least 1, found {BatchSize}");
        if (Batches < 1) throw new ConfigException($"--batches: expected at least 1, found {Batches}");
    }
}
