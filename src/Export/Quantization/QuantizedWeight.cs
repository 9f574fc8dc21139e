namespace Distill.Export.Quantization;

/// <summary>
/// A (rows, cols) float matrix as 8-bit integers: <c>value ≈ (q - zeroPoint) × scale</c>, with one scale and zero
/// point for the whole matrix (per-tensor) or one per column (per-channel: a column is an output channel of
/// <c>MatMul(x, W)</c> and a hidden unit of an embedding table).
/// </summary>
/// <param name="Data">Row-major bytes: int8 two's complement or uint8, as <paramref name="Type"/> says.</param>
/// <param name="Scales">One scale (per-tensor) or one per column (per-channel).</param>
/// <param name="ZeroPoints">Stored like <paramref name="Data"/>, as many as <paramref name="Scales"/>.</param>
internal sealed record QuantizedWeight(Int8WeightType Type, int Rows, int Cols, bool PerChannel, byte[] Data, float[] Scales, byte[] ZeroPoints)
{
    /// <summary>The integer stored at (row, col): signed for int8, unsigned for uint8.</summary>
    public int At(int row, int col) => Integer(Data[row * Cols + col]);

    /// <summary>The zero point that applies to a column.</summary>
    public int ZeroPoint(int col) => Integer(ZeroPoints[PerChannel ? col : 0]);

    /// <summary>The scale that applies to a column.</summary>
    public float Scale(int col) => Scales[PerChannel ? col : 0];

    /// <summary>The float the quantized value at (row, col) stands for.</summary>
    public float Dequantized(int row, int col) => (At(row, col) - ZeroPoint(col)) * Scale(col);

    private int Integer(byte stored) => Type == Int8WeightType.Int8 ? (sbyte)stored : stored;
}
