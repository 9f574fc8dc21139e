using Distill.Cli;
using Distill.Export;
using Distill.Export.Mapping;
using Distill.Export.Parity;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.Tests.Export.Mapping;

/// <summary>The BiGRU's ONNX graph (one bidirectional GRU node per layer) against TorchSharp, and its export command.</summary>
public sealed class BiGruExportTests
{
    private const double Tolerance = 1e-5;

    public BiGruExportTests() => TestAssets.EnsureTorch();

    [Theory]
    [InlineData(TaskKind.Classification, 4, 10, 17)]
    [InlineData(TaskKind.Tagging, 4, 10, 17)]
    [InlineData(TaskKind.Classification, 7, 300, 18)]
    [InlineData(TaskKind.Tagging, 1, 5, 21)]
    public void Build_PaddedBatches_MatchTorchAtRealTokens(TaskKind kind, int batch, int length, int opset)
    {
        using var model = TinyBiGru.Create(task: kind);
        manual_seed(2);
        var ids = randint(1, TinyTask.Vocabulary.Length, [batch, length], dtype: ScalarType.Int64);
        var mask = ones([batch, length], dtype: ScalarType.Int64);
        for (var row = 1; row < batch; row++) mask[row, Math.Max(1, length - row * length / batch)..] = 0;

        var actual = OnnxRun.Run(BiGruExport.Build(model, opset), (OutputNames.InputIds, ids), (OutputNames.AttentionMask, mask));
        using var scope = NewDisposeScope();
        var expected = model.forward(ids, mask).Logits;

        var weight = kind == TaskKind.Tagging ? mask.to(ScalarType.Float32).unsqueeze(-1) : ones(1);
        Assert.Equal(expected.shape, actual[OutputNames.Logits].shape);
        var diff = ((expected - actual[OutputNames.Logits]).abs() * weight).max().item<float>();
        Assert.True(diff <= Tolerance, $"max_abs_diff {diff}");
    }

    [Fact]
    public void Build_TwoLayers_OneBidirectionalGruNodePerLayer()
    {
        using var model = TinyBiGru.Create();

        var graph = BiGruExport.Build(model).Graph;

        var grus = graph.Node.Where(n => n.OpType == "GRU").ToList();
        Assert.Equal(2, grus.Count);
        Assert.All(grus, n => Assert.Contains(n.Attribute, a => a.Name == "direction" && a.S.ToStringUtf8() == "bidirectional"));
        Assert.All(grus, n => Assert.Contains(n.Attribute, a => a.Name == "linear_before_reset" && a.I == 1));
        Assert.Equal(["input_ids", "attention_mask"], graph.Input.Select(i => i.Name));
    }

    [Fact]
    public void ExportCommand_BiGruDirectory_PassesParityAndPublishes()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllLines(dir.File("vocab.txt"), TinyTask.Vocabulary);
        using (var model = TinyBiGru.Create())
        {
            BiGruDirectory.Save(dir.File("bigru"), model, dir.File("vocab.txt"));
        }

        var run = CliRun.Invoke(ExportCli.Create(), "export", "--model", dir.File("bigru"), "--out", dir.File("onnx", "model.onnx"));
        var refused = CliRun.Invoke(ExportCli.Create(), "export", "--model", dir.File("bigru"), "--out", dir.File("other", "model.onnx"), "--hidden-state");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Output + run.Error);
        Assert.Contains("export: BiGRU classification model (2 layers, hidden 6 per direction, embeddings 8)", run.Output);
        Assert.Contains("GRU=2", run.Output);
        Assert.Matches(@"argmax_agreement=100\.00 %", run.Output);
        Assert.True(File.Exists(dir.File("onnx", "config.json")));
        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.Contains("--hidden-state is for BERT models", refused.Error);
        Assert.False(File.Exists(dir.File("other", "model.onnx")));
    }
}
