namespace Distill.Export.Quantization;

/// <summary>How weight matrices are stored after int8 quantization.</summary>
internal enum Int8WeightType
{
    /// <summary>Signed int8 in [-127, 127], or [-64, 64] for MatMul weights (<see cref="WeightQuantizer.ReducedInt8Max"/>), zero point 0 (symmetric): ONNX Runtime's fastest CPU path (u8 activations × s8 weights).</summary>
    Int8,

    /// <summary>Unsigned uint8 in [0, 255] with a zero point (asymmetric): uses the full range when a column's values are one-sided.</summary>
    UInt8,
}
