using Distill.Export.Quantization;
using Distill.Onnx;
using Distill.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Tests.Export.Quantization;

public sealed class StaticInt8QuantizerTests
{
    private static readonly Int8Options Everything = new() { MinimumElements = 0 };

    private const int K = 16, N = 8;

    /// <summary>y = x (batch, 16) · W (16, 8), x a graph input with a dynamic batch axis.</summary>
    private static ModelProto SingleMatMul(float[] weight)
    {
        var graph = new GraphProto { Name = "matmul" };
        graph.Input.Add(TinyOnnx.Value("x", DataType.Float, "batch", K));
        graph.Output.Add(TinyOnnx.Value("y", DataType.Float, "batch", N));
        graph.Initializer.Add(TinyOnnx.Floats("w", [K, N], weight));
        graph.Node.Add(TinyOnnx.Node("MatMul", ["x", "w"], ["y"]));
        return TinyOnnx.Model(graph);
    }

    private static float[] RunSingle(ModelProto model, float[] x, GraphOptimizationLevel level = GraphOptimizationLevel.ORT_ENABLE_ALL)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(x, [x.Length / K, K]);
        return TinyOnnx.Run(model, "y", level, ("x", input));
    }

    private static readonly Dictionary<string, ActivationRange> XRange = new() { ["x"] = new ActivationRange(-1f, 3f) };

    [Fact]
    public void ActivationRange_UInt8_WidenedToZeroWithHandComputedScaleAndZeroPoint()
    {
        // [-1, 3]: scale 4/255, zero point round(1 / (4/255)) = round(63.75) = 64.
        Assert.Equal((4f / 255f, (byte)64), new ActivationRange(-1f, 3f).UInt8());
        // [2, 5] widens to [0, 5]: zero point 0; [-6, -2] to [-6, 0]: zero point 255.
        Assert.Equal((5f / 255f, (byte)0), new ActivationRange(2f, 5f).UInt8());
        Assert.Equal((6f / 255f, (byte)255), new ActivationRange(-6f, -2f).UInt8());
    }

    [Fact]
    public void Quantize_SingleMatMul_StandardQdqOpsWithFixedScaleAndPerChannelWeights()
    {
        var result = StaticInt8Quantizer.Quantize(SingleMatMul(TinyOnnx.Random(K * N, 1)), XRange, Everything);

        var nodes = result.Model.Graph.Node;
        Assert.Equal(["QuantizeLinear", "DequantizeLinear", "DequantizeLinear", "MatMul"], nodes.Select(n => n.OpType));
        Assert.All(nodes, n => Assert.Equal("", n.Domain));
        Assert.Equal(["y"], nodes.Last().Output);
        Assert.Equal(1, nodes[2].Attribute.Single(a => a.Name == "axis").I);
        var initializers = result.Model.Graph.Initializer.ToDictionary(i => i.Name);
        Assert.DoesNotContain("w", initializers.Keys);
        Assert.Equal((int)DataType.Int8, initializers["w_quantized"].DataType);
        Assert.Equal([N], initializers["w_scale"].Dims);
        Assert.Equal([4f / 255f], initializers["x_scale"].FloatData);
        Assert.Empty(initializers["x_scale"].Dims);
        Assert.Equal((int)DataType.Uint8, initializers["x_zero_point"].DataType);
        Assert.Equal([64], initializers["x_zero_point"].RawData.ToByteArray());
    }

    [Theory]
    [InlineData(GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void Quantize_SingleMatMul_OrtMatchesTheFixedScaleReference(GraphOptimizationLevel level)
    {
        var w = TinyOnnx.Random(K * N, seed: 22, scale: 0.5f);
        // Values beyond the calibrated [-1, 3] saturate at the range's ends.
        var x = TinyOnnx.Random(3 * K, seed: 21, scale: 2f).Select(v => v + 1f).ToArray();
        var quantized = StaticInt8Quantizer.Quantize(SingleMatMul(w), XRange, Everything).Model;

        var actual = RunSingle(quantized, x, level);

        var weight = WeightQuantizer.Quantize(w, K, N, Int8WeightType.Int8, perChannel: true, reduceRange: true);
        var (scale, zeroPoint) = (4f / 255f, 64);
        for (var m = 0; m < 3; m++)
        for (var n = 0; n < N; n++)
        {
            var reference = 0f;
            for (var k = 0; k < K; k++)
            {
                var q = Math.Clamp(MathF.Round(x[m * K + k] / scale) + zeroPoint, 0, 255);
                reference += (q - zeroPoint) * scale * weight.Dequantized(k, n);
            }
            Assert.InRange(Math.Abs(actual[m * N + n] - reference), 0, 1e-5f * (1 + Math.Abs(reference)));
        }
    }

    [Fact]
    public void Quantize_SingleMatMul_ARowGetsTheSameAnswerAloneAndInABatch()
    {
        var w = TinyOnnx.Random(K * N, seed: 2, scale: 0.5f);
        var row = TinyOnnx.Random(K, seed: 3);
        // A second row 50 times larger: one dynamic scale over the batch would coarsen the first row's steps.
        var batch = row.Concat(TinyOnnx.Random(K, seed: 4, scale: 50f)).ToArray();
        var ranges = new Dictionary<string, ActivationRange> { ["x"] = new(-50f, 50f) };

        var staticModel = StaticInt8Quantizer.Quantize(SingleMatMul(w), ranges, Everything).Model;
        var dynamicModel = DynamicInt8Quantizer.Quantize(SingleMatMul(w), Everything).Model;

        Assert.Equal(RunSingle(staticModel, row), RunSingle(staticModel, batch)[..N]);
        Assert.NotEqual(RunSingle(dynamicModel, row), RunSingle(dynamicModel, batch)[..N]);
    }

    [Fact]
    public void Quantize_OrtOptimizer_FusesTheQdqMatMulsIntoIntegerKernels()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyEncoder.Build();
        var ranges = StaticInt8Quantizer.Activations(model).ToDictionary(a => a, _ => new ActivationRange(-4f, 4f));
        var input = dir.File("int8.onnx");
        TinyOnnx.Save(StaticInt8Quantizer.Quantize(model, ranges, Everything).Model, input);

        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = dir.File("fused.onnx") })
        using (new InferenceSession(input, options)) { }

        var ops = OnnxGraph.Load(dir.File("fused.onnx")).Nodes.Select(n => n.OpType).ToList();
        Assert.DoesNotContain("MatMul", ops);
        Assert.Equal(2, ops.Count(o => o is "MatMulIntegerToFloat" or "QLinearMatMul"));
    }

    [Fact]
    public void Quantize_TinyEncoder_AgreesWithFloatWithinTheInt8Tolerance()
    {
        var model = TinyEncoder.Build();
        using var ids = OrtValue.CreateTensorValueFromMemory(TinyEncoder.Ids, [1, TinyEncoder.Ids.Length]);
        var batches = new[] { new CalibrationBatch(new Dictionary<string, long[]> { ["input_ids"] = TinyEncoder.Ids }, [1, TinyEncoder.Ids.Length], null) };
        var ranges = ActivationCalibrator.Collect(model, StaticInt8Quantizer.Activations(model), batches);

        var result = StaticInt8Quantizer.Quantize(model, ranges, Everything);

        Assert.Equal(["embedded", "normed"], ranges.Keys.Order());
        var expected = TinyEncoder.Run(model);
        var actual = TinyEncoder.Run(result.Model);
        // Documented tolerance for int8 probabilities: 0.02 absolute.
        Assert.InRange(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max(), 0, 0.02f);
        Assert.Equal(["embeddings", "dense.weight", "head.weight"], result.Report.Quantized.Select(q => q.Name));
    }

    [Fact]
    public void Quantize_ActivationWithoutRange_NamesItAndTheMatMul()
    {
        var error = Assert.Throws<OnnxImportException>(() =>
            StaticInt8Quantizer.Quantize(SingleMatMul(TinyOnnx.Random(K * N, 1)), new Dictionary<string, ActivationRange>(), Everything));

        Assert.Contains("no calibration range for \"x\"", error.Message);
        Assert.Contains("MatMul \"MatMul_y\"", error.Message);
    }
}
