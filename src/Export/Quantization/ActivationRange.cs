namespace Distill.Export.Quantization;

/// <summary>The range an activation is quantized over, fixed at export from calibration inputs.</summary>
internal readonly record struct ActivationRange(float Min, float Max)
{
    /// <summary>
    /// uint8 scale and zero point over the range widened to contain 0, as ONNX's <c>DynamicQuantizeLinear</c>
    /// widens it at run time: 0 stays exact and the zero point is an integer in [0, 255].
    /// </summary>
    public (float Scale, byte ZeroPoint) UInt8() => WeightQuantizer.Asymmetric(Math.Min(0f, Min), Math.Max(0f, Max));
}
