using Distill.Cli;
using Distill.Export;
using Distill.Onnx;
using Distill.Tests.Export.Quantization;
using Distill.Tests.Support;
using Google.Protobuf;

namespace Distill.Tests.Export.Commands;

public sealed class QuantizeCommandTests
{
    private static string SaveTinyEncoder(TemporaryDirectory dir)
    {
        var path = dir.File("tiny.onnx");
        TinyOnnx.Save(Quantization.TinyEncoder.Build(), path);
        return path;
    }

    [Fact]
    public void Quantize_Int8_WritesTheModelAndPrintsTheReport()
    {
        using var dir = new TemporaryDirectory();
        var output = dir.File("out", "int8.onnx");

        var run = CliRun.Invoke(ExportCli.Create(), "quantize", "--onnx", SaveTinyEncoder(dir), "--out", output, "--int8", "--min-elements", "100");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Output + run.Error);
        Assert.Contains("int8: MatMul dense.weight [8,16] int8 per-channel", run.Output);
        Assert.Contains("int8: kept float32: MatMul head.weight (64 elements < minimum 100)", run.Output);
        Assert.Contains(OnnxGraph.Load(output).Nodes, n => n.OpType == "MatMulInteger");
        Assert.Equal([Path.GetFileName(output), "manifest.json"], Directory.GetFiles(dir.File("out")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Quantize_Int8WithCalibration_StaticQdqFromTheDataFile()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var input = dir.File("fp32", "model.onnx");
        var output = dir.File("fp32", "model-int8.onnx");
        Assert.Equal(ExitCodes.Success, CliRun.Invoke(ExportCli.Create(), "export", "--model", model, "--out", input).ExitCode);

        var run = CliRun.Invoke(ExportCli.Create(), "quantize", "--onnx", input, "--out", output, "--int8", "--min-elements", "0",
            "--calibration", dir.File("train.jsonl"), "--calibration-examples", "5");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Output + run.Error);
        Assert.Contains("int8 calibration on 5 examples", run.Output);
        var ops = OnnxGraph.Load(output).Nodes.Select(n => n.OpType).ToList();
        Assert.Contains("QuantizeLinear", ops);
        Assert.DoesNotContain("DynamicQuantizeLinear", ops);
    }

    [Fact]
    public void Quantize_Fp16_WritesTheModelAndPrintsTheReport()
    {
        using var dir = new TemporaryDirectory();
        var output = dir.File("fp16.onnx");

        var run = CliRun.Invoke(ExportCli.Create(), "quantize", "--onnx", SaveTinyEncoder(dir), "--out", output, "--fp16");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Output + run.Error);
        Assert.Contains("fp16: computed in float32: 1 LayerNormalization, 1 Softmax; 3 Casts inserted", run.Output);
        Assert.Contains(OnnxGraph.Load(output).Model.Graph.Initializer, i => i.DataType == (int)global::Onnx.TensorProto.Types.DataType.Float16);
    }

    [Theory]
    [InlineData("--int8", "--fp16")]
    [InlineData]
    public void Quantize_NotExactlyOneMode_UsageError(params string[] modes)
    {
        using var dir = new TemporaryDirectory();

        var run = CliRun.Invoke(ExportCli.Create(), ["quantize", "--onnx", SaveTinyEncoder(dir), "--out", dir.File("x.onnx"), .. modes]);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("give exactly one of --int8 and --fp16", run.Error);
        Assert.False(File.Exists(dir.File("x.onnx")));
    }

    [Fact]
    public void Quantize_NotOnnx_OneLineErrorNamingTheFile()
    {
        using var dir = new TemporaryDirectory();
        var input = dir.Write("model.onnx", "this is not a protobuf message at all");

        var run = CliRun.Invoke(ExportCli.Create(), "quantize", "--onnx", input, "--out", dir.File("x.onnx"), "--int8");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"error: {input}: not an ONNX model", run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Quantize_TruncatedFile_OneLineErrorNamingTheFile()
    {
        using var dir = new TemporaryDirectory();
        var bytes = Quantization.TinyEncoder.Build().ToByteArray();
        var input = dir.File("truncated.onnx");
        File.WriteAllBytes(input, bytes[..(bytes.Length / 2)]);

        var run = CliRun.Invoke(ExportCli.Create(), "quantize", "--onnx", input, "--out", dir.File("x.onnx"), "--fp16");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith($"error: {input}: ", run.Error);
        Assert.False(File.Exists(dir.File("x.onnx")));
    }

    [Fact]
    public void Quantize_MissingFile_BadInput()
    {
        using var dir = new TemporaryDirectory();

        var run = CliRun.Invoke(ExportCli.Create(), "quantize", "--onnx", dir.File("absent.onnx"), "--out", dir.File("x.onnx"), "--int8");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("absent.onnx does not exist", run.Error);
    }
}
