using Distill.Export.Quantization;

using Distill.Tests.Support;

namespace Distill.Tests.Export.Quantization;

public sealed class WeightQuantizerTests
{
    // Columns: an ordinary one, a two-sided one, all zeros, a constant.
    private static readonly float[] Matrix =
    [
        1.0f, -3f, 0f, -2.5f,
        0.2f, 4f, 0f, -2.5f,
    ];

    private static int[] Values(QuantizedWeight weight) =>
        Enumerable.Range(0, weight.Rows * weight.Cols).Select(i => weight.At(i / weight.Cols, i % weight.Cols)).ToArray();

    private static int[] ZeroPoints(QuantizedWeight weight) =>
        Enumerable.Range(0, weight.PerChannel ? weight.Cols : 1).Select(weight.ZeroPoint).ToArray();

    [Fact]
    public void Quantize_Int8PerTensor_SymmetricOverTheLargestMagnitude()
    {
        var weight = WeightQuantizer.Quantize(Matrix, 2, 4, Int8WeightType.Int8, perChannel: false, reduceRange: false);

        // scale = 4 / 127; q = round(w × 127 / 4): 31.75 → 32, -95.25 → -95, -79.375 → -79, 6.35 → 6.
        Assert.Equal([4f / 127], weight.Scales);
        Assert.Equal([0], ZeroPoints(weight));
        Assert.Equal([32, -95, 0, -79, 6, 127, 0, -79], Values(weight));
    }

    [Fact]
    public void Quantize_Int8PerChannelReducedRange_OneScalePerColumnOf64StepsZeroAndConstantColumnsExact()
    {
        var weight = WeightQuantizer.Quantize(Matrix, 2, 4, Int8WeightType.Int8, perChannel: true, reduceRange: true);

        // Column 0: 1/64 (0.2 → 12.8 → 13); column 1: 4/64 (-3 → -48); all-zero column: scale 1; constant -2.5: 2.5/64 → -64.
        Assert.Equal([1f / 64, 4f / 64, 1f, 2.5f / 64], weight.Scales);
        Assert.Equal([0, 0, 0, 0], ZeroPoints(weight));
        Assert.Equal([64, -48, 0, -64, 13, 64, 0, -64], Values(weight));
        Assert.Equal(0f, weight.Dequantized(1, 2));
        Assert.Equal(-2.5f, weight.Dequantized(0, 3), 6);
    }

    [Fact]
    public void Quantize_UInt8PerTensor_ZeroPointPutsZeroOnAnInteger()
    {
        var weight = WeightQuantizer.Quantize(Matrix, 2, 4, Int8WeightType.UInt8, perChannel: false, reduceRange: true);

        // Range [-3, 4]: scale 7/255, zero point round(3 × 255 / 7 = 109.29) = 109; q = round(w / scale) + 109.
        Assert.Equal([7f / 255], weight.Scales);
        Assert.Equal([109], ZeroPoints(weight));
        Assert.Equal([145, 0, 109, 18, 116, 255, 109, 18], Values(weight));
        Assert.Equal(0f, weight.Dequantized(0, 2));
    }

    [Fact]
    public void Quantize_UInt8PerChannel_RangeWidenedToIncludeZero()
    {
        var weight = WeightQuantizer.Quantize(Matrix, 2, 4, Int8WeightType.UInt8, perChannel: true, reduceRange: true);

        // Column 0 is [0, 1] → 1/255, zp 0; column 1 [-3, 4] → 7/255, zp 109; zeros → 1, zp 0; -2.5 constant → [−2.5, 0]: 2.5/255, zp 255.
        Assert.Equal([1f / 255, 7f / 255, 1f, 2.5f / 255], weight.Scales);
        Assert.Equal([0, 109, 0, 255], ZeroPoints(weight));
        Assert.Equal([255, 0, 0, 0, 51, 255, 0, 0], Values(weight));
        Assert.Equal(-2.5f, weight.Dequantized(1, 3), 6);
    }

    [Theory]
    [InlineData(Int8WeightType.Int8, false)]
    [InlineData(Int8WeightType.Int8, true)]
    [InlineData(Int8WeightType.UInt8, false)]
    [InlineData(Int8WeightType.UInt8, true)]
    public void Quantize_RandomMatrix_DequantizedWithinHalfAScale(object weightType, bool perChannel)
    {
        // object: Int8WeightType is internal to export-onnx, and a public theory cannot name it.
        var type = (Int8WeightType)weightType;
        const int rows = 13, cols = 7;
        var values = TinyOnnx.Random(rows * cols, seed: 11, scale: 3f);

        var weight = WeightQuantizer.Quantize(values, rows, cols, type, perChannel, reduceRange: true);

        for (var r = 0; r < rows; r++)
        for (var c = 0; c < cols; c++)
        {
            Assert.InRange(Math.Abs(weight.Dequantized(r, c) - values[r * cols + c]), 0, weight.Scale(c) * 0.5001f);
        }
    }

    [Fact]
    public void Quantize_WrongValueCount_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => WeightQuantizer.Quantize(new float[5], 2, 3, Int8WeightType.Int8, false, false));

        Assert.Contains("5 values for a (2, 3) matrix", error.Message);
    }
}
