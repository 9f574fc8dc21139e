using System.Runtime.InteropServices;
using Distill.Export.Quantization;
using Microsoft.ML.OnnxRuntime;
using Onnx;
using DataType = Onnx.TensorProto.Types.DataType;

using Distill.Tests.Support;

namespace Distill.Tests.Export.Quantization;

public sealed class Float16ConverterTests
{
    private static ushort[] Bits(TensorProto tensor) => MemoryMarshal.Cast<byte, ushort>(tensor.RawData.Span).ToArray();

    [Fact]
    public void Convert_TinyEncoder_LoadsInOrtAndAgreesWithFloat32()
    {
        var model = TinyEncoder.Build();

        var result = Float16Converter.Convert(model);

        var expected = TinyEncoder.Run(model);
        var actual = TinyEncoder.Run(result.Model);
        // Documented tolerance for fp16 probabilities (CPU provider): 2e-3 absolute.
        Assert.InRange(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max(), 0, 2e-3f);
        Assert.Equal(model.Graph.Input, result.Model.Graph.Input);
        Assert.Equal(model.Graph.Output, result.Model.Graph.Output);
    }

    [Fact]
    public void Convert_TinyEncoder_LayerNormAndSoftmaxComputeInFloat32()
    {
        var result = Float16Converter.Convert(TinyEncoder.Build());

        var graph = result.Model.Graph;
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        var norm = graph.Node.Single(n => n.OpType == "LayerNormalization");
        Assert.Equal("Cast", producers[norm.Input[0]].OpType);
        Assert.Equal((long)DataType.Float, producers[norm.Input[0]].Attribute.Single().I);
        Assert.Equal("Cast", producers[graph.Node.Single(n => n.OpType == "Softmax").Input[0]].OpType);
        // Read only by the LayerNorm: kept float32. Read by float16 ops: converted.
        Assert.Equal((int)DataType.Float, graph.Initializer.Single(i => i.Name == "norm.weight").DataType);
        Assert.Equal((int)DataType.Float16, graph.Initializer.Single(i => i.Name == "dense.weight").DataType);
        Assert.Equal((int)DataType.Float16, graph.Initializer.Single(i => i.Name == "embeddings").DataType);
        Assert.Equal(new Dictionary<string, int> { ["LayerNormalization"] = 1, ["Softmax"] = 1 }, result.Report.NodesKeptInFloat32);
        Assert.Equal((4, 2), (result.Report.ConvertedInitializers, result.Report.KeptInitializers));
        // Softmax's float32 output is the graph output itself: no Cast after it.
        Assert.Equal(3, result.Report.CastsInserted);
    }

    [Fact]
    public void Convert_Constants_RoundToNearestFloat16AndClampBeyond65504()
    {
        var graph = new GraphProto { Name = "add" };
        graph.Input.Add(TinyOnnx.Value("x", DataType.Float, 6));
        graph.Output.Add(TinyOnnx.Value("y", DataType.Float, 6));
        graph.Initializer.Add(TinyOnnx.Floats("c", [6], [1f, -2f, 0.1f, 65504f, 1e5f, -1e5f]));
        graph.Node.Add(TinyOnnx.Node("Add", ["x", "c"], ["y"]));

        var result = Float16Converter.Convert(TinyOnnx.Model(graph));

        // 1 = 0x3C00, -2 = 0xC000, 0.1 rounds to 0x2E66, 65504 = 0x7BFF (largest finite), ±1e5 clamped to ±65504.
        Assert.Equal([0x3C00, 0xC000, 0x2E66, 0x7BFF, 0x7BFF, 0xFBFF], Bits(result.Model.Graph.Initializer.Single()));
        Assert.Equal(2, result.Report.ClampedValues);
        var nodes = result.Model.Graph.Node;
        Assert.Equal(["Cast", "Add", "Cast"], nodes.Select(n => n.OpType));
        Assert.Equal("y", nodes.Last().Output[0]);
        Assert.Equal((long)DataType.Float, nodes.Last().Attribute.Single().I);
    }

    [Fact]
    public void Convert_AttentionMaskAtFloat32Minimum_StaysFiniteAndAgrees()
    {
        // y = softmax(x + (1 - float(mask)) × float32.min), the mask as Hugging Face exports write it: unclamped,
        // float32.min would become -inf in float16 and 0 × -inf = NaN at every unmasked position.
        var graph = new GraphProto { Name = "mask" };
        graph.Input.Add(TinyOnnx.Value("x", DataType.Float, 1, 4));
        graph.Input.Add(TinyOnnx.Value("mask", DataType.Int64, 1, 4));
        graph.Output.Add(TinyOnnx.Value("y", DataType.Float, 1, 4));
        graph.Initializer.Add(TinyOnnx.Floats("one", [], [1f]));
        graph.Initializer.Add(TinyOnnx.Floats("lowest", [], [float.MinValue]));
        graph.Node.Add(TinyOnnx.Node("Cast", ["mask"], ["mask_float"], TinyOnnx.Int("to", (long)DataType.Float)));
        graph.Node.Add(TinyOnnx.Node("Sub", ["one", "mask_float"], ["inverted"]));
        graph.Node.Add(TinyOnnx.Node("Mul", ["inverted", "lowest"], ["bias"]));
        graph.Node.Add(TinyOnnx.Node("Add", ["x", "bias"], ["scores"]));
        graph.Node.Add(TinyOnnx.Node("Softmax", ["scores"], ["y"], TinyOnnx.Int("axis", -1)));
        var model = TinyOnnx.Model(graph);

        var result = Float16Converter.Convert(model);

        float[] Run(ModelProto m)
        {
            using var x = OrtValue.CreateTensorValueFromMemory(new[] { 0.5f, -1f, 2f, 0.25f }, [1, 4]);
            using var mask = OrtValue.CreateTensorValueFromMemory(new long[] { 1, 1, 0, 1 }, [1, 4]);
            return TinyOnnx.Run(m, "y", GraphOptimizationLevel.ORT_ENABLE_ALL, ("x", x), ("mask", mask));
        }
        var expected = Run(model);
        var actual = Run(result.Model);
        Assert.All(actual, v => Assert.True(float.IsFinite(v)));
        Assert.InRange(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max(), 0, 2e-3f);
        Assert.Equal(1, result.Report.ClampedValues);
        Assert.Equal((long)DataType.Float16, result.Model.Graph.Node.Single(n => n.Output[0] == "mask_float").Attribute.Single().I);
    }

    [Fact]
    public void Convert_ConstantOfShapeWithDefaultValue_CastToFloat16WhereRead()
    {
        // ConstantOfShape without a value makes float32 zeros; read by a float16 Add, it needs a Cast.
        var graph = new GraphProto { Name = "zeros" };
        graph.Input.Add(TinyOnnx.Value("x", DataType.Float, 3));
        graph.Output.Add(TinyOnnx.Value("y", DataType.Float, 3));
        graph.Initializer.Add(TinyOnnx.Floats("c", [3], [0.5f, -1f, 2f]));
        graph.Node.Add(TinyOnnx.Node("Shape", ["x"], ["shape"]));
        graph.Node.Add(TinyOnnx.Node("ConstantOfShape", ["shape"], ["zeros"]));
        graph.Node.Add(TinyOnnx.Node("Add", ["zeros", "c"], ["shifted"]));
        graph.Node.Add(TinyOnnx.Node("Add", ["x", "shifted"], ["y"]));
        var model = TinyOnnx.Model(graph);

        var result = Float16Converter.Convert(model);

        using var x = OrtValue.CreateTensorValueFromMemory(new[] { 1f, 2f, 3f }, [3]);
        Assert.Equal([1.5f, 1f, 5f], TinyOnnx.Run(result.Model, "y", GraphOptimizationLevel.ORT_DISABLE_ALL, ("x", x)));
        Assert.Equal(1, result.Report.NodesKeptInFloat32["ConstantOfShape"]);
    }

    [Fact]
    public void Convert_NoFloatTensors_ReturnsTheSameModelAndSaysSo()
    {
        var graph = new GraphProto { Name = "ints" };
        graph.Input.Add(TinyOnnx.Value("a", DataType.Int64, 2));
        graph.Output.Add(TinyOnnx.Value("b", DataType.Int64, 2));
        graph.Node.Add(TinyOnnx.Node("Add", ["a", "a"], ["b"]));
        var model = TinyOnnx.Model(graph);

        var result = Float16Converter.Convert(model);

        Assert.Same(model, result.Model);
        Assert.Equal(["fp16: nothing to convert (no float32 tensors); the model is unchanged"], result.Report.Lines());
    }

    [Fact]
    public void Convert_SubgraphNode_ClearError()
    {
        var model = TinyEncoder.Build();
        model.Graph.Node.Add(new NodeProto { OpType = "If", Name = "branch", Attribute = { new AttributeProto { Name = "then_branch", Type = AttributeProto.Types.AttributeType.Graph, G = new GraphProto() } } });

        var error = Assert.Throws<Distill.Onnx.OnnxImportException>(() => Float16Converter.Convert(model));

        Assert.Equal("node \"branch\" (If) has a subgraph; graphs with control flow (If, Loop, Scan) are not supported", error.Message);
    }
}
