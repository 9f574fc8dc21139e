using Distill.Export.Quantization;
using Distill.Onnx;
using Distill.Tests.Support;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

namespace Distill.Tests.Export.Quantization;

public sealed class DynamicInt8QuantizerTests
{
    private static readonly Int8Options Everything = new() { MinimumElements = 0 };

    private const int M = 3, K = 16, N = 8;

    /// <summary>y = x (3, 16) · W (16, 8), x a graph input.</summary>
    private static ModelProto SingleMatMul(float[] weight)
    {
        var graph = new GraphProto { Name = "matmul" };
        graph.Input.Add(TinyOnnx.Value("x", DataType.Float, M, K));
        graph.Output.Add(TinyOnnx.Value("y", DataType.Float, M, N));
        graph.Initializer.Add(TinyOnnx.Floats("w", [K, N], weight));
        graph.Node.Add(TinyOnnx.Node("MatMul", ["x", "w"], ["y"]));
        return TinyOnnx.Model(graph);
    }

    private static float[] RunSingle(ModelProto model, float[] x, GraphOptimizationLevel level)
    {
        using var input = OrtValue.CreateTensorValueFromMemory(x, [M, K]);
        return TinyOnnx.Run(model, "y", level, ("x", input));
    }

    /// <summary>ONNX DynamicQuantizeLinear, by its definition: uint8 over [min(0, x), max(0, x)].</summary>
    private static (int[] Q, float Scale, int ZeroPoint) DynamicQuantize(float[] x)
    {
        var (min, max) = (Math.Min(0, x.Min()), Math.Max(0, x.Max()));
        var scale = (max - min) / 255f;
        var zeroPoint = (int)Math.Clamp(MathF.Round(-min / scale), 0, 255);
        return (x.Select(v => (int)Math.Clamp(MathF.Round(v / scale) + zeroPoint, 0, 255)).ToArray(), scale, zeroPoint);
    }

    [Theory]
    [InlineData(false, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(true, GraphOptimizationLevel.ORT_DISABLE_ALL)]
    [InlineData(false, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    [InlineData(true, GraphOptimizationLevel.ORT_ENABLE_ALL)]
    public void Quantize_SingleMatMul_OrtMatchesIntegerReferenceAndFloatWithinBound(bool perChannel, GraphOptimizationLevel level)
    {
        var x = TinyOnnx.Random(M * K, seed: 21, scale: 2f);
        var w = TinyOnnx.Random(K * N, seed: 22, scale: 0.5f);
        var model = SingleMatMul(w);

        var quantized = DynamicInt8Quantizer.Quantize(model, Everything with { PerChannel = perChannel }).Model;
        var actual = RunSingle(quantized, x, level);
        var exact = RunSingle(model, x, GraphOptimizationLevel.ORT_DISABLE_ALL);

        var weight = WeightQuantizer.Quantize(w, K, N, Int8WeightType.Int8, perChannel, reduceRange: true);
        var (xq, xScale, xZero) = DynamicQuantize(x);
        for (var m = 0; m < M; m++)
        for (var n = 0; n < N; n++)
        {
            var accumulator = 0;
            var bound = 0f;
            for (var k = 0; k < K; k++)
            {
                accumulator += (xq[m * K + k] - xZero) * (weight.At(k, n) - weight.ZeroPoint(n));
                // Each product errs by at most |x|·ws/2 + |w|·xs/2 + xs·ws/4 (half a step on each side).
                bound += Math.Abs(x[m * K + k]) * weight.Scale(n) / 2 + Math.Abs(w[k * N + n]) * xScale / 2 + xScale * weight.Scale(n) / 4;
            }
            var reference = accumulator * (xScale * weight.Scale(n));
            Assert.InRange(Math.Abs(actual[m * N + n] - reference), 0, 1e-5f * (1 + Math.Abs(reference)));
            Assert.InRange(Math.Abs(actual[m * N + n] - exact[m * N + n]), 0, bound * 1.001f);
        }
    }

    [Fact]
    public void Quantize_SingleMatMul_WritesStandardOpsAndDropsTheFloatWeight()
    {
        var result = DynamicInt8Quantizer.Quantize(SingleMatMul(TinyOnnx.Random(K * N, 1)), Everything);

        Assert.Equal(["DynamicQuantizeLinear", "MatMulInteger", "Cast", "Mul", "Mul"], result.Model.Graph.Node.Select(n => n.OpType));
        Assert.Equal("y", result.Model.Graph.Node.Last().Output[0]);
        Assert.DoesNotContain(result.Model.Graph.Initializer, i => i.Name == "w");
        var data = Assert.Single(result.Model.Graph.Initializer, i => i.Name == "w_quantized");
        Assert.Equal((int)DataType.Int8, data.DataType);
        Assert.Equal([N], result.Model.Graph.Initializer.Single(i => i.Name == "w_scale").Dims);
        var entry = Assert.Single(result.Report.Quantized);
        Assert.Equal(new QuantizedTensor("w", "MatMul", K, N, true, Int8WeightType.Int8), entry);
        Assert.Equal(512, entry.FloatBytes);
        Assert.Equal(128 + 5 * N, entry.QuantizedBytes);
    }

    [Fact]
    public void Quantize_TinyEncoder_AgreesWithFloatAndLeavesOtherOpsUntouched()
    {
        var model = TinyEncoder.Build();

        var result = DynamicInt8Quantizer.Quantize(model, Everything);

        var expected = TinyEncoder.Run(model);
        var actual = TinyEncoder.Run(result.Model);
        // Documented tolerance for int8 probabilities: 0.02 absolute.
        Assert.InRange(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max(), 0, 0.02f);
        foreach (var op in new[] { "Add", "LayerNormalization", "Softmax" })
        {
            Assert.Equal(model.Graph.Node.Single(n => n.OpType == op), result.Model.Graph.Node.Single(n => n.OpType == op));
        }
        foreach (var name in new[] { "dense.bias", "norm.weight", "norm.bias" })
        {
            Assert.Equal(model.Graph.Initializer.Single(i => i.Name == name), result.Model.Graph.Initializer.Single(i => i.Name == name));
        }
        Assert.Equal(["embeddings", "dense.weight", "head.weight"], result.Report.Quantized.Select(q => q.Name));
        Assert.Equal(6, model.Graph.Initializer.Count);
        Assert.Equal(model.CalculateSize(), result.Report.BytesBefore);
    }

    [Fact]
    public void Quantize_PerChannelEmbeddings_GatheredRowsAreTheDequantizedTable()
    {
        var model = TinyEncoder.Build();
        model.Graph.Output.Clear();
        model.Graph.Output.Add(TinyOnnx.Value("embedded", DataType.Float, 1, "sequence", 8));

        var result = DynamicInt8Quantizer.Quantize(model, Everything);
        using var ids = OrtValue.CreateTensorValueFromMemory(TinyEncoder.Ids, [1, TinyEncoder.Ids.Length]);
        var rows = TinyOnnx.Run(result.Model, "embedded", GraphOptimizationLevel.ORT_ENABLE_ALL, ("input_ids", ids));

        var table = WeightQuantizer.Quantize(TinyOnnx.Random(160, 1), 20, 8, Int8WeightType.Int8, perChannel: true, reduceRange: false);
        for (var t = 0; t < TinyEncoder.Ids.Length; t++)
        for (var h = 0; h < 8; h++)
        {
            Assert.Equal(table.Dequantized((int)TinyEncoder.Ids[t], h), rows[t * 8 + h], 6);
        }
    }

    [Fact]
    public void Quantize_TwoMatMulsOnOneInput_ShareOneDynamicQuantizeLinear()
    {
        var graph = new GraphProto { Name = "qk" };
        graph.Input.Add(TinyOnnx.Value("x", DataType.Float, M, K));
        graph.Output.Add(TinyOnnx.Value("q", DataType.Float, M, N));
        graph.Output.Add(TinyOnnx.Value("k", DataType.Float, M, N));
        graph.Initializer.Add(TinyOnnx.Floats("wq", [K, N], TinyOnnx.Random(K * N, 1)));
        graph.Initializer.Add(TinyOnnx.Floats("wk", [K, N], TinyOnnx.Random(K * N, 2)));
        graph.Node.Add(TinyOnnx.Node("MatMul", ["x", "wq"], ["q"]));
        graph.Node.Add(TinyOnnx.Node("MatMul", ["x", "wk"], ["k"]));

        var result = DynamicInt8Quantizer.Quantize(TinyOnnx.Model(graph), Everything);

        Assert.Single(result.Model.Graph.Node, n => n.OpType == "DynamicQuantizeLinear");
        Assert.Equal(2, result.Model.Graph.Node.Count(n => n.OpType == "MatMulInteger"));
    }

    [Fact]
    public void Quantize_OrtOptimizer_FusesTheMatMulChainIntoContribKernels()
    {
        using var dir = new TemporaryDirectory();
        var quantized = DynamicInt8Quantizer.Quantize(TinyEncoder.Build(), Everything).Model;
        var input = dir.File("int8.onnx");
        TinyOnnx.Save(quantized, input);

        using (var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_EXTENDED, OptimizedModelFilePath = dir.File("fused.onnx") })
        using (new InferenceSession(input, options)) { }

        var ops = OnnxGraph.Load(dir.File("fused.onnx")).Nodes.Select(n => n.OpType).ToList();
        Assert.DoesNotContain("MatMulInteger", ops);
        Assert.Equal(2, ops.Count(o => o is "DynamicQuantizeMatMul" or "MatMulIntegerToFloat"));
    }

    [Fact]
    public void Quantize_SmallAndExcludedWeights_StayFloatWithTheReason()
    {
        var model = TinyEncoder.Build();

        var result = DynamicInt8Quantizer.Quantize(model, new Int8Options { MinimumElements = 100, Exclude = new HashSet<string> { "embeddings" } });

        Assert.Equal(["dense.weight"], result.Report.Quantized.Select(q => q.Name));
        Assert.Equal(
            [new KeptTensor("embeddings", "Gather", "excluded"), new KeptTensor("head.weight", "MatMul", "64 elements < minimum 100")],
            result.Report.Kept);
        Assert.Contains(result.Model.Graph.Node, n => n.OpType == "MatMul" && n.Input[1] == "head.weight");
        Assert.Contains("int8: kept float32: MatMul head.weight (64 elements < minimum 100)", result.Report.Lines());
    }

    [Fact]
    public void Quantize_NoWeights_ReturnsTheSameModelAndSaysSo()
    {
        var graph = new GraphProto { Name = "add" };
        graph.Input.Add(TinyOnnx.Value("a", DataType.Float, 2));
        graph.Output.Add(TinyOnnx.Value("b", DataType.Float, 2));
        graph.Initializer.Add(TinyOnnx.Floats("one", [2], [1, 1]));
        graph.Node.Add(TinyOnnx.Node("Add", ["a", "one"], ["b"]));
        var model = TinyOnnx.Model(graph);

        var result = DynamicInt8Quantizer.Quantize(model);

        Assert.Same(model, result.Model);
        Assert.False(result.Report.Changed);
        Assert.StartsWith("int8: nothing to quantize", result.Report.Lines().First());
    }

    [Fact]
    public void Quantize_ModelWithoutGraph_ClearError()
    {
        var error = Assert.Throws<OnnxImportException>(() => DynamicInt8Quantizer.Quantize(new ModelProto { IrVersion = 8 }));

        Assert.Contains("has no graph", error.Message);
    }

    [Fact]
    public void Quantize_WeightWithTooFewValues_NamesTheInitializer()
    {
        var model = SingleMatMul(new float[K * N - 3]);

        var error = Assert.Throws<OnnxImportException>(() => DynamicInt8Quantizer.Quantize(model, Everything));

        Assert.Equal("initializer \"w\" has 125 values; its dims [16,8] need 128", error.Message);
    }

    [Fact]
    public void Quantize_Opset11_AsksForANewerOpset()
    {
        var model = SingleMatMul(TinyOnnx.Random(K * N, 1));
        model.OpsetImport[0].Version = 11;

        var error = Assert.Throws<OnnxImportException>(() => DynamicInt8Quantizer.Quantize(model, Everything));

        Assert.Contains("imports opset 11; int8 quantization needs opset 13 or later", error.Message);
    }
}
