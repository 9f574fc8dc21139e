namespace Distill.Export.Quantization;

/// <summary>
/// Quantizes a float matrix to 8 bits, per tensor or per column, with the rules of ONNX Runtime's
/// <c>quantize_dynamic</c>: int8 weights are symmetric (scale = max|w| / 127, zero point 0, values in [-127, 127]; with
/// <c>reduceRange</c>, for weights an integer matmul multiplies, / 64 and [-64, 64], see <see cref="ReducedInt8Max"/>);
/// uint8 weights are asymmetric over a range widened to include 0 (scale = (max - min) / 255, zero point
/// = round(-min / scale)), so that 0 is exact. Rounding is half to even, as in ONNX QuantizeLinear.
/// A range of width 0 (an all-zero column) gets scale 1, which stores zeros exactly instead of dividing by 0.
/// </summary>
internal static class WeightQuantizer
{
    /// <summary>
    /// The largest int8 magnitude of a weight that an integer matmul multiplies (a Gather table keeps 127). ONNX
    /// Runtime multiplies uint8 activations by int8 weights with <c>vpmaddubsw</c> on x86 CPUs without VNNI (AVX2,
    /// AVX-512 before Cascade Lake, AMD before Zen 4), which adds two products in a saturating int16: with full-range
    /// weights 2 × 255 × 127 overflows it and the answer is wrong (by 0.7 on the quantizer tests' single MatMul, on an
    /// AMD EPYC without VNNI). 2 × 255 × 64 = 32,640 fits, so the file gives the same answers on every CPU, as
    /// <c>quantize_dynamic(reduce_range=True)</c> does.
    /// </summary>
    public const int ReducedInt8Max = 64;

    public static QuantizedWeight Quantize(ReadOnlySpan<float> values, int rows, int cols, Int8WeightType type, bool perChannel, bool reduceRange)
    {
        var int8Max = reduceRange ? ReducedInt8Max : 127;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        if (values.Length != (long)rows * cols)
        {
            throw new ArgumentException($"{values.Length} values for a ({rows}, {cols}) matrix", nameof(values));
        }
        var groups = perChannel ? cols : 1;
        var min = new float[groups];
        var max = new float[groups];
        for (var i = 0; i < values.Length; i++)
        {
            var g = perChannel ? i % cols : 0;
            min[g] = Math.Min(min[g], values[i]);
            max[g] = Math.Max(max[g], values[i]);
        }

        var scales = new float[groups];
        var zeroPoints = new byte[groups];
        for (var g = 0; g < groups; g++)
        {
            (scales[g], zeroPoints[g]) = type == Int8WeightType.Int8 ? Symmetric(min[g], max[g], int8Max) : Asymmetric(min[g], max[g]);
        }

        var data = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var g = perChannel ? i % cols : 0;
            var q = MathF.Round(values[i] / scales[g]);
            data[i] = type == Int8WeightType.Int8
                ? (byte)(sbyte)Math.Clamp(q, -int8Max, int8Max)
                : (byte)Math.Clamp(q + zeroPoints[g], 0f, 255f);
        }
        return new QuantizedWeight(type, rows, cols, perChannel, data, scales, zeroPoints);
    }

    private static (float Scale, byte ZeroPoint) Symmetric(float min, float max, int int8Max)
    {
        var absMax = Math.Max(-min, max);
        return (absMax == 0 ? 1f : absMax / int8Max, 0);
    }

    /// <summary>uint8 scale and zero point over [min, max], which must contain 0 (so that 0 is exact).</summary>
    internal static (float Scale, byte ZeroPoint) Asymmetric(float min, float max)
    {
        if (min > 0 || max < 0) throw new ArgumentException($"the range [{min}, {max}] must contain 0");
        if (max == min) return (1f, 0);
        var scale = (max - min) / 255f;
        return (scale, (byte)Math.Clamp(MathF.Round(-min / scale), 0f, 255f));
    }
}
