using System.Globalization;
using System.Text.RegularExpressions;
using Distill.DistillStudent;
using Distill.DistillStudent.Commands;
using Distill.Models;
using Distill.Onnx;
using Distill.Safetensors;
using Distill.Tests.Support;
using Distill.Tokenization;
using static TorchSharp.torch;
using Distill.Batches;

namespace Distill.Tests.Commands;

/// <summary>Imports the real all-MiniLM-L6-v2 ONNX model once through the real command line.</summary>
public sealed class ImportedMiniLm : IDisposable
{
    private readonly TemporaryDirectory directory = new();

    public ImportedMiniLm()
    {
        if (!File.Exists(TestAssets.MiniLmOnnx)) return;
        ModelDirectory = Path.Combine(directory.Path, "minilm");
        Run = CliRun.Invoke(DistillStudentCli.Create(),
            "import-onnx", "--onnx", TestAssets.MiniLmOnnx, "--vocab", TestAssets.MiniLmVocab, "--out", ModelDirectory);
    }

    public string? ModelDirectory { get; }
    public CliRun? Run { get; }

    public void Dispose() => directory.Dispose();
}

public sealed class ImportOnnxCommandTests(ImportedMiniLm imported) : IClassFixture<ImportedMiniLm>
{
    [SkippableFact]
    public void ImportOnnx_RealMiniLm_ParityWithinTolerance()
    {
        TestAssets.RequireMiniLm();

        Assert.True(imported.Run!.ExitCode == 0, imported.Run.Output + imported.Run.Error);
        var match = Regex.Match(imported.Run.Output, @"parity max_abs_diff=(\S+)");
        Assert.True(match.Success, imported.Run.Output);
        var diff = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
        Assert.InRange(diff, 0, ImportOnnxCommand.DefaultTolerance);
    }

    [SkippableFact]
    public void ImportOnnx_RealMiniLm_InfersTheConfig()
    {
        TestAssets.RequireMiniLm();

        var config = BertConfig.Load(Path.Combine(imported.ModelDirectory!, "config.json"));

        Assert.Equal(new BertConfig
        {
            VocabSize = 30522, HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536,
            MaxPositionEmbeddings = 512, TypeVocabSize = 2, LayerNormEps = 1e-12, HiddenAct = "gelu", DoLowerCase = true,
        }, config with { Extra = null });
        Assert.Equal(File.ReadAllBytes(TestAssets.MiniLmVocab), File.ReadAllBytes(Path.Combine(imported.ModelDirectory!, "vocab.txt")));
    }

    [SkippableFact]
    public void SavedSafetensors_LoadAndSaveAgain_IdenticalBytes()
    {
        TestAssets.RequireMiniLm();
        using var dir = new TemporaryDirectory();
        var original = Path.Combine(imported.ModelDirectory!, "model.safetensors");

        using var model = ModelDirectory.LoadBert(imported.ModelDirectory!);
        ModelDirectory.Save(dir.Path, model, Path.Combine(imported.ModelDirectory!, "vocab.txt"));
        var first = SafetensorsFile.Read(original);
        var second = SafetensorsFile.Read(dir.File("model.safetensors"));

        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        Assert.Contains("pooler.dense.weight", first.Keys);
        foreach (var (name, tensor) in first)
        {
            Assert.True(tensor.bytes.SequenceEqual(second[name].bytes), name);
        }
        Assert.Equal(File.ReadAllBytes(original), File.ReadAllBytes(dir.File("model.safetensors")));
    }

    [SkippableFact]
    public void LoadedModel_AttentionProbabilities_MatchOnnx()
    {
        TestAssets.RequireMiniLm();
        using var dir = new TemporaryDirectory();
        // The export's outputs are the last hidden state and the pooler: every attention Softmax is made an output too.
        var graph = OnnxGraph.Load(TestAssets.MiniLmOnnx);
        var softmaxes = graph.Nodes.Where(n => n.OpType == "Softmax").Select(n => n.Output[0]).ToList();
        foreach (var name in softmaxes)
        {
            graph.Model.Graph.Output.Add(new global::Onnx.ValueInfoProto
            {
                Name = name,
                Type = new global::Onnx.TypeProto { TensorType = new global::Onnx.TypeProto.Types.Tensor { ElemType = (int)global::Onnx.TensorProto.Types.DataType.Float } },
            });
        }
        using (var stream = File.Create(dir.File("attentions.onnx"))) Google.Protobuf.MessageExtensions.WriteTo(graph.Model, stream);
        using var model = ModelDirectory.LoadBert(imported.ModelDirectory!);
        using var onnx = OnnxEncoderSession.Create(dir.File("attentions.onnx"), threads: 1, preferCuda: false, _ => { });
        var tokenizer = ModelDirectory.LoadTokenizer(imported.ModelDirectory!, model.Config);
        using var batch = EncoderInputs.Pad([tokenizer.Encode("Attention, please."), tokenizer.Encode("A much longer second sentence pads the first.")], tokenizer.PadId);
        using var scope = NewDisposeScope();
        using var _ = no_grad();

        var ours = model.forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds, outputAttentions: true);
        var theirs = onnx.Run(batch, softmaxes);
        // Rows of padded query positions are never read; compare the real ones (B, heads, T, T).
        var realQueries = batch.AttentionMask.to(ScalarType.Float32).view(batch.Size, 1, batch.Length, 1);

        Assert.Equal(6, softmaxes.Count);
        Assert.Equal(6, ours.Attentions!.Count);
        for (var layer = 0; layer < 6; layer++)
        {
            var onnxProbabilities = tensor(theirs[layer].Values, theirs[layer].Shape);
            Assert.Equal(onnxProbabilities.shape, ours.Attentions[layer].shape);
            var diff = ((ours.Attentions[layer] - onnxProbabilities).abs() * realQueries).max().item<float>();
            Assert.True(diff <= 1e-5, $"layer {layer}: attention probabilities differ from ONNX by {diff}");
        }
    }

    [Fact]
    public void ImportOnnx_MissingFile_BadInputExit()
    {
        using var dir = new TemporaryDirectory();

        var run = CliRun.Invoke(DistillStudentCli.Create(),
            "import-onnx", "--onnx", dir.File("none.onnx"), "--vocab", dir.File("vocab.txt"), "--out", dir.File("out"));

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("none.onnx does not exist", run.Error);
    }

    [Fact]
    public void ImportOnnx_MissingRequiredOption_UsageError()
    {
        var run = CliRun.Invoke(DistillStudentCli.Create(), "import-onnx", "--onnx", "x.onnx");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--vocab", run.Error);
    }
}
