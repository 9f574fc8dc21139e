namespace Distill.Export.Quantization;

/// <summary>What <see cref="Float16Converter"/> keeps in float32.</summary>
internal sealed record Float16Options
{
    /// <summary>Op types computed in float32 between Casts. The default keeps normalisations and Softmax (whose sums
    /// of squares and exponentials overflow or lose the small terms in float16) and the pieces of a LayerNorm spelled
    /// out in basic ops (ReduceMean, Pow, Sqrt); quantization ops take float32 scales by definition.</summary>
    public IReadOnlySet<string> KeepInFloat32 { get; init; } = DefaultKeepInFloat32;

    public static IReadOnlySet<string> DefaultKeepInFloat32 { get; } = new HashSet<string>
    {
        "LayerNormalization", "SkipLayerNormalization", "SimplifiedLayerNormalization", "SkipSimplifiedLayerNormalization",
        "EmbedLayerNormalization", "Softmax", "ReduceMean", "Pow", "Sqrt",
        "DynamicQuantizeLinear", "QuantizeLinear", "DequantizeLinear",
    };
}
