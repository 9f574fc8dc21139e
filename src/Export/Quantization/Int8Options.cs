namespace Distill.Export.Quantization;

/// <summary>What the int8 passes (<see cref="StaticInt8Quantizer"/>, <see cref="DynamicInt8Quantizer"/>) quantize and how. The defaults are the measured choice (README, "int8 and fp16").</summary>
internal sealed record Int8Options
{
    /// <summary>Signed symmetric int8 (default) or unsigned asymmetric uint8 weights.</summary>
    public Int8WeightType WeightType { get; init; } = Int8WeightType.Int8;

    /// <summary>One scale per output column instead of one per matrix (default true: on MiniLM the mean-pooled
    /// embedding's cosine to float32 is 0.992 per-channel and 0.956 per-tensor, for about 10% more latency).</summary>
    public bool PerChannel { get; init; } = true;

    /// <summary>Weights with fewer elements stay float32 (default 16384): a classifier head such as (384, 2) costs
    /// nothing to run in float and is where rounding would move the predictions most.</summary>
    public long MinimumElements { get; init; } = 16384;

    /// <summary>Also store Gather embedding tables (word, position) as int8 and dequantize the gathered rows (default true):
    /// the word embeddings are half of a MiniLM's bytes.</summary>
    public bool Embeddings { get; init; } = true;

    /// <summary>Node or initializer names to leave in float32.</summary>
    public IReadOnlySet<string> Exclude { get; init; } = new HashSet<string>();
}
