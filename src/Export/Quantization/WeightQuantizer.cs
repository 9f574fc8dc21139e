namespace Distill.Export.Quantization;

/// <summary>
/// Quantizes a float matrix to 8 bits, per tensor or per column, with the rules of ONNX Runtime's
/// <c>quantize_dynamic</c>: int8 weights are symmetric (scale = max|w| / 127, zero point 0, values in [-127, 127]);
/// uint8 weights are asymmetric over a range widened to include 0 (scale = (max - min) / 255, zero point
/// = round(-min / scale)), so that 0 is exact. Rounding is half to even, as in ONNX QuantizeLinear.
/// A range of width 0 (an all-zero column) gets scale 1, which stores zeros exactly instead of dividing by 0.
/// </summary>
internal static class WeightQuantizer
{
    public static QuantizedWeight Quantize(ReadOnlySpan<float> values, int rows, int cols, Int8WeightType type, bool perChannel)
    {
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
            (scales[g], zeroPoints[g]) = type == Int8WeightType.Int8 ? Symmetric(min[g], max[g]) : Asymmetric(min[g], max[g]);
        }

        var data = new byte[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var g = perChannel ? i % cols : 0;
            var q = MathF.Round(values[i] / scales[g]);
            data[i] = type == Int8WeightType.Int8
                ? (byte)(sbyte)Math.Clamp(q, -127f, 127f)
                : (byte)Math.Clamp(q + zeroPoints[g], 0f, 255f);
        }
        return new QuantizedWeight(type, rows, cols, perChannel, data, scales, zeroPoints);
    }

    private static (float Scale, byte ZeroPoint) Symmetric(float min, float max)
    {
        var absMax = Math.Max(-min, max);
        return (absMax == 0 ? 1f : absMax / 127f, 0);
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
