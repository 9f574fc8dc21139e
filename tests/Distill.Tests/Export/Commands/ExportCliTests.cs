using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Distill.Cli;
using Distill.Export;
using Distill.Tests.Support;
using Google.Protobuf;
using Onnx;

namespace Distill.Tests.Export.Commands;

/// <summary>Real <c>export-onnx</c> command lines on a tiny model.</summary>
public sealed class ExportCliTests
{
    public ExportCliTests() => TestAssets.EnsureTorch();

    private static CliRun Run(params string[] args) => CliRun.Invoke(ExportCli.Create(), args);

    [Fact]
    public void ExportThenParity_TinyModel_BothPassAndParityPrintsEachOutput()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("onnx", "model.onnx");

        var export = Run("export", "--model", model, "--out", onnx, "--hidden-state");
        var parity = Run("parity", "--model", model, "--onnx", onnx, "--data", dir.File("train.jsonl"), "--batch-sizes", "1,5");

        Assert.True(export.ExitCode == ExitCodes.Success, export.Output + export.Error);
        Assert.Contains("export: wrote", export.Output);
        Assert.True(parity.ExitCode == ExitCodes.Success, parity.Output + parity.Error);
        Assert.Contains("parity: 12 inputs", parity.Output);
        Assert.Contains("batch sizes 1,5", parity.Output);
        var logits = Regex.Match(parity.Output, @"parity logits: max_abs_diff=(\S+) mean_abs_diff=\S+ argmax_agreement=100\.00 % \(24\)");
        Assert.True(logits.Success, parity.Output);
        Assert.InRange(double.Parse(logits.Groups[1].Value, CultureInfo.InvariantCulture), 0, 1e-4);
        Assert.Matches(@"parity last_hidden_state: max_abs_diff=\S+ mean_abs_diff=\S+\n", parity.Output.Replace("\r", ""));
    }

    [Fact]
    public void ExportToDirectory_ThenPredictAndBenchOnIt_TheDirectoryIsTheModel()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var export = dir.File("student");

        var exported = Run("export", "--model", model, "--out", export, "--max-seq-length", "16");
        var predicted = Run("predict", "--onnx", export, "--data", dir.File("dev.jsonl"), "--logits");
        var benched = Run("bench", "--onnx", export, "--lengths", "4", "--iterations", "2", "--warmup", "1", "--batch-size", "2", "--batches", "1", "--cpu");

        Assert.True(exported.ExitCode == ExitCodes.Success, exported.Output + exported.Error);
        Assert.Contains("export: max_seq_length 16 (from --max-seq-length)", exported.Output, StringComparison.Ordinal);
        Assert.Contains($"export: wrote {Path.Combine(export, "onnx", "model.onnx")} (", exported.Output, StringComparison.Ordinal);
        Assert.Contains($"config.json, tokenizer.json, tokenizer_config.json, special_tokens_map.json, vocab.txt and manifest.json in {export}", exported.Output, StringComparison.Ordinal);
        Assert.True(predicted.ExitCode == ExitCodes.Success, predicted.Error);
        var lines = predicted.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToList();
        Assert.Equal(4, lines.Count);
        Assert.All(lines, l => Assert.Equal(2, l["logits"]!.AsObject().Count));
        Assert.True(benched.ExitCode == ExitCodes.Success, benched.Output + benched.Error);
    }

    [Fact]
    public void Export_Int8Dynamic_QuantizesBeforePublishingAndJudgesByAgreement()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("int8", "model.onnx");

        var export = Run("export", "--model", model, "--out", onnx, "--int8", "--int8-mode", "dynamic");

        Assert.True(export.ExitCode == ExitCodes.Success, export.Output + export.Error);
        var written = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        // The tiny model's only weight of at least 16384 elements is the 512 x 32 position table.
        Assert.Contains(written.Graph.Initializer, t => t.DataType == (int)TensorProto.Types.DataType.Int8);
        Assert.Contains(written.Graph.Node, n => n.OpType == "DequantizeLinear");
        Assert.Matches(@"parity logits: max_abs_diff=\S+ mean_abs_diff=\S+ argmax_agreement=", export.Output);
    }

    [Fact]
    public void Export_Int8StaticOptimize_PortableQdqFileAndAnOnnxRuntimeFileBesideIt()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("int8", "model.onnx");

        var export = Run("export", "--model", model, "--out", onnx, "--int8", "--int8-min-elements", "0", "--calibration", dir.File("train.jsonl"), "--optimize");

        Assert.True(export.ExitCode == ExitCodes.Success, export.Output + export.Error);
        Assert.Contains("int8 calibration on 12 examples", export.Output);
        var portable = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        Assert.All(portable.Graph.Node, n => Assert.Equal("", n.Domain));
        Assert.Equal([""], portable.OpsetImport.Select(o => o.Domain));
        Assert.Contains(portable.Graph.Node, n => n.OpType == "QuantizeLinear");
        Assert.DoesNotContain(portable.Graph.Node, n => n.OpType == "DynamicQuantizeLinear");
        var optimized = ModelProto.Parser.ParseFrom(File.ReadAllBytes(dir.File("int8", "model_optimized.onnx")));
        Assert.Contains(optimized.Graph.Node, n => n.Domain == "com.microsoft" && n.OpType == "MatMulIntegerToFloat");
        // Only the domains its nodes use, not every domain ONNX Runtime knows.
        Assert.Equal(["", "com.microsoft"], optimized.OpsetImport.Select(o => o.Domain).Order());
        Assert.Matches(@"model_optimized\.onnx is for ONNX Runtime only: ops outside ai\.onnx: \S*com\.microsoft\.MatMulIntegerToFloat=\d+", export.Output);
        Assert.Equal(2, Regex.Matches(export.Output, "argmax_agreement=").Count);
    }

    [Fact]
    public void Export_FusedWithInt8_UsageError()
    {
        using var dir = new TemporaryDirectory();

        var export = Run("export", "--model", dir.Path, "--out", dir.File("m.onnx"), "--fused", "--int8");

        Assert.Equal(ExitCodes.Usage, export.ExitCode);
        Assert.Contains("--fused writes float32 only", export.Error);
    }

    [Fact]
    public void Export_Fused_WritesTheFusedFileBesideThePortableOne()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("fused", "model.onnx");

        var export = Run("export", "--model", model, "--out", onnx, "--fused");

        Assert.True(export.ExitCode == ExitCodes.Success, export.Output + export.Error);
        Assert.Equal([""], ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx)).OpsetImport.Select(o => o.Domain));
        Assert.True(File.Exists(dir.File("fused", "model_fused.onnx")));
        // A classifier: the first layer fused, the last at position 0 only, and the estimate of what that saves.
        Assert.Matches(@"model_fused\.onnx is for ONNX Runtime only: ops outside ai\.onnx: .*com\.microsoft\.Attention=1\b", export.Output);
        Assert.Matches(@"last layer at position 0 only .* multiply-adds per sequence at 128 tokens \(-\d+\.\d %\)", export.Output);
    }

    [Fact]
    public void Export_Default_StandardOnnxOnlyAndNoSecondFile()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("fp32", "model.onnx");

        var export = Run("export", "--model", model, "--out", onnx);

        Assert.True(export.ExitCode == ExitCodes.Success, export.Output + export.Error);
        var written = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        Assert.All(written.Graph.Node, n => Assert.Equal("", n.Domain));
        Assert.Equal([""], written.OpsetImport.Select(o => o.Domain));
        Assert.False(File.Exists(dir.File("fp32", "model_optimized.onnx")));
    }

    [Fact]
    public void Export_Int8StaticWithoutCalibrationOrRun_BadInputSayingWhatToPass()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);

        var export = Run("export", "--model", model, "--out", dir.File("m.onnx"), "--int8");

        Assert.Equal(ExitCodes.BadInput, export.ExitCode);
        Assert.Contains("--calibration FILE", export.Error);
        Assert.False(File.Exists(dir.File("m.onnx")));
    }

    [Fact]
    public void Export_Fp16_Float16WeightsFloat32Outputs()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("fp16", "model.onnx");

        var export = Run("export", "--model", model, "--out", onnx, "--fp16");

        Assert.True(export.ExitCode == ExitCodes.Success, export.Output + export.Error);
        var written = ModelProto.Parser.ParseFrom(File.ReadAllBytes(onnx));
        // Every float matrix is stored in float16; LayerNorm's scale and shift (vectors) stay float32 with the op.
        var matrices = written.Graph.Initializer.Where(t => t.Dims.Count == 2 && t.DataType != (int)TensorProto.Types.DataType.Int64).ToList();
        Assert.NotEmpty(matrices);
        Assert.All(matrices, t => Assert.Equal((int)TensorProto.Types.DataType.Float16, t.DataType));
        Assert.Equal((int)TensorProto.Types.DataType.Float, written.Graph.Output.Single(o => o.Name == "logits").Type.TensorType.ElemType);
    }

    [Fact]
    public void Export_Int8AndFp16Together_UsageError()
    {
        using var dir = new TemporaryDirectory();

        var export = Run("export", "--model", dir.Path, "--out", dir.File("m.onnx"), "--int8", "--fp16");

        Assert.Equal(ExitCodes.Usage, export.ExitCode);
        Assert.Contains("at most one of --int8 and --fp16", export.Error);
    }

    [Fact]
    public void Parity_Json_ReportsEveryOutput()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("onnx", "model.onnx");
        Assert.Equal(ExitCodes.Success, Run("export", "--model", model, "--out", onnx).ExitCode);

        var parity = Run("parity", "--model", model, "--onnx", onnx, "--data", dir.File("dev.jsonl"), "--max-examples", "3", "--json");

        Assert.Equal(ExitCodes.Success, parity.ExitCode);
        var report = JsonNode.Parse(parity.Output)!;
        Assert.Equal(3, report["inputs"]!.GetValue<int>());
        Assert.Equal(1.0, report["outputs"]!["logits"]!["argmax_agreement"]!.GetValue<double>());
        Assert.Equal(6, report["outputs"]!["logits"]!["decisions"]!.GetValue<long>()); // 3 inputs × batch sizes 1 and 7
        Assert.Empty(report["failures"]!.AsArray());
    }

    public static TheoryData<string> BadOnnxFiles => ["malformed", "truncated", "foreign", "empty"];

    [Theory]
    [MemberData(nameof(BadOnnxFiles))]
    public void Parity_NotOurOnnxModel_OneLineErrorAndBadInputExit(string kind)
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("bad.onnx");
        switch (kind)
        {
            case "malformed":
                File.WriteAllBytes(onnx, [0xff, 0xff, 0xff, 0xff, 0x0f, 0x12, 0x34]);
                break;
            case "truncated":
                Assert.Equal(ExitCodes.Success, Run("export", "--model", model, "--out", dir.File("good", "model.onnx")).ExitCode);
                var bytes = File.ReadAllBytes(dir.File("good", "model.onnx"));
                File.WriteAllBytes(onnx, bytes[..(bytes.Length / 2)]);
                break;
            case "foreign":
                File.WriteAllBytes(onnx, OneNodeGraph().ToByteArray());
                break;
            default:
                File.WriteAllBytes(onnx, []);
                break;
        }

        var parity = Run("parity", "--model", model, "--onnx", onnx, "--data", dir.File("dev.jsonl"));

        Assert.Equal(ExitCodes.BadInput, parity.ExitCode);
        // Besides the one error line, only the execution provider's log line may appear.
        var lines = parity.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("onnxruntime: ", StringComparison.Ordinal));
        Assert.StartsWith($"error: {onnx}", Assert.Single(lines));
        Assert.DoesNotContain(" at ", parity.Error.Replace($"error: {onnx}", ""));
    }

    [Fact]
    public void Parity_ForeignOneNodeGraph_NamesTheMissingInput()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("relu.onnx");
        File.WriteAllBytes(onnx, OneNodeGraph().ToByteArray());

        var parity = Run("parity", "--model", model, "--onnx", onnx, "--data", dir.File("dev.jsonl"));

        Assert.Contains("has no input \"input_ids\"; its inputs are: x", parity.Error);
    }

    [Fact]
    public void Export_OpsetBelow17_BadInputNamingTheLimit()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);

        var export = Run("export", "--model", model, "--out", dir.File("onnx", "m.onnx"), "--opset", "13");

        Assert.Equal(ExitCodes.BadInput, export.ExitCode);
        Assert.Contains("--opset 13 is not supported: expected 17 to 21", export.Error);
        Assert.False(Directory.Exists(dir.File("onnx")));
    }

    [Fact]
    public void Parity_BadBatchSizes_BadInput()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);

        var parity = Run("parity", "--model", model, "--onnx", dir.File("m.onnx"), "--data", dir.File("dev.jsonl"), "--batch-sizes", "1,0");

        Assert.Equal(ExitCodes.BadInput, parity.ExitCode);
        Assert.Contains("--batch-sizes: \"0\" is not a positive integer", parity.Error);
    }

    private static ModelProto OneNodeGraph()
    {
        var graph = new GraphProto { Name = "relu" };
        graph.Node.Add(new NodeProto { OpType = "Relu", Input = { "x" }, Output = { "y" } });
        var type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = new TensorShapeProto { Dim = { new TensorShapeProto.Types.Dimension { DimValue = 2 } } } } };
        graph.Input.Add(new ValueInfoProto { Name = "x", Type = type });
        graph.Output.Add(new ValueInfoProto { Name = "y", Type = type });
        var model = new ModelProto { IrVersion = 8, Graph = graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 17 });
        return model;
    }
}
