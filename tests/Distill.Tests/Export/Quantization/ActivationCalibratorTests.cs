using Distill.Export.Quantization;
using Distill.Tests.Support;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Tests.Export.Quantization;

public sealed class ActivationCalibratorTests
{
    /// <summary>
    /// ids (batch, sequence) → Gather(table) → "embedded" (batch, sequence, 2) → MatMul(w) → y. Row r of the table is
    /// (r, -r) for r = 1..3; row 0, the padding id, is (100, -100), so padding would show in any range it entered.
    /// </summary>
    private static ModelProto Embedding()
    {
        var graph = new GraphProto { Name = "embedding" };
        graph.Input.Add(TinyOnnx.Value("input_ids", DataType.Int64, "batch", "sequence"));
        graph.Output.Add(TinyOnnx.Value("y", DataType.Float, "batch", "sequence", 2));
        graph.Initializer.Add(TinyOnnx.Floats("table", [4, 2], [100, -100, 1, -1, 2, -2, 3, -3]));
        graph.Initializer.Add(TinyOnnx.Floats("w", [2, 2], [1, 0, 0, 1]));
        graph.Node.Add(TinyOnnx.Node("Gather", ["table", "input_ids"], ["embedded"], TinyOnnx.Int("axis", 0)));
        graph.Node.Add(TinyOnnx.Node("MatMul", ["embedded", "w"], ["y"]));
        return TinyOnnx.Model(graph);
    }

    /// <summary>Rows (1, 2, pad) and (3, pad, pad); "attention_mask" is not a graph input and is not passed.</summary>
    private static CalibrationBatch Batch(bool masked) => new(
        new Dictionary<string, long[]> { ["input_ids"] = [1, 2, 0, 3, 0, 0], ["attention_mask"] = [1, 1, 0, 1, 0, 0] },
        [2, 3], masked ? [1, 1, 0, 1, 0, 0] : null);

    [Fact]
    public void Collect_MinMax_CountsRealTokensOnly()
    {
        var model = Embedding();

        var ranges = ActivationCalibrator.Collect(model, StaticInt8Quantizer.Activations(model), [Batch(masked: true)]);

        Assert.Equal(new ActivationRange(-3, 3), Assert.Single(ranges, r => r.Key == "embedded").Value);
    }

    [Fact]
    public void Collect_NoTokenMask_CountsEveryValue()
    {
        var ranges = ActivationCalibrator.Collect(Embedding(), ["embedded"], [Batch(masked: false)]);

        Assert.Equal(new ActivationRange(-100, 100), ranges["embedded"]);
    }

    [Fact]
    public void Collect_Percentile_LeavesOutTheTailsAndKeepsTheBulk()
    {
        // 200 tokens of id 1 and one of id 3: at percentile 99 the single ±3 pair lies outside on each side.
        long[] ids = [.. Enumerable.Repeat(1L, 200), 3];
        var batch = new CalibrationBatch(new Dictionary<string, long[]> { ["input_ids"] = ids }, [1, ids.Length], null);

        var ranges = ActivationCalibrator.Collect(Embedding(), ["embedded"], [batch], new CalibrationOptions { Method = CalibrationMethod.Percentile, Percentile = 99, Bins = 6 });

        // Bins of width 1 over [-3, 3]: -1 lies in the bin [-1, 0) and 1 in [1, 2).
        Assert.Equal(new ActivationRange(-1, 2), ranges["embedded"]);
    }
}
