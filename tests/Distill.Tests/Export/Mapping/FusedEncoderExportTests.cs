using Distill.Export.Exporting;
using Distill.Export.Mapping;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Tests.Export.Mapping;

/// <summary>The BERT encoder as ONNX Runtime's fused contrib operators, checked by the exporter's own parity run.</summary>
public sealed class FusedEncoderExportTests
{
    public FusedEncoderExportTests() => TestAssets.EnsureTorch();

    private static string ModelDirectory(TemporaryDirectory dir, TaskKind kind, string act)
    {
        TinyTask.Write(dir.Path, trainCount: 4, devCount: 2);
        var directory = dir.File("model");
        var config = TinyExportModels.Config(act) with { VocabSize = TinyTask.Vocabulary.Length };
        using var model = TinyExportModels.Create(kind, config: config, labels: TinyModelDirectory.Labels);
        TaskModelDirectory.Save(directory, (BertTaskModel)model.Module, kind == TaskKind.Qa ? [] : TinyModelDirectory.Labels, dir.File("vocab.txt"));
        return directory;
    }

    [Theory]
    [InlineData(TaskKind.Classification, "gelu", "BiasGelu", 1)] // the last layer at position 0 only (FirstTokenLayerExport)
    [InlineData(TaskKind.Tagging, "gelu_new", "FastGelu", 2)]
    [InlineData(TaskKind.Qa, "gelu", "BiasGelu", 2)]
    public void Export_Fused_ContribOperatorsAndParityWithinTheFloatTolerance(TaskKind kind, string act, string gelu, int fusedLayers)
    {
        using var dir = new TemporaryDirectory();
        var output = dir.File("out", "model_fused.onnx");

        var result = OnnxExporter.Export(new ExportRequest(ModelDirectory(dir, kind, act), output) { Fused = true }, _ => { });

        // Parity ran on 9 to 300 tokens, alone and padded in one batch, against our model at the float32 bound (1e-4).
        Assert.True(result.Published, string.Join("; ", result.Failures));
        Assert.All(result.Parity.Outputs, o => Assert.InRange(o.MaxAbsDiff, 0, ExportRequest.DefaultAtol));
        var counts = result.OpCounts.ToDictionary();
        Assert.Equal(1, counts["com.microsoft.EmbedLayerNormalization"]);
        Assert.Equal(fusedLayers, counts["com.microsoft.Attention"]);
        Assert.Equal(2 * fusedLayers, counts["com.microsoft.SkipLayerNormalization"]);
        Assert.Equal(fusedLayers, counts[$"com.microsoft.{gelu}"]);
        // Standard ops only where a layer is computed at one position.
        if (fusedLayers == 2) Assert.DoesNotContain(counts.Keys, op => op is "Softmax" or "LayerNormalization" or "Erf");
        var written = Distill.Onnx.OnnxModelFile.Read(output);
        Assert.All(written.Graph.Input, i => Assert.Equal([OutputNames.Batch, OutputNames.Sequence], i.Type.TensorType.Shape.Dim.Select(d => d.DimParam)));
        Assert.Equal(["", "com.microsoft"], written.OpsetImport.Select(o => o.Domain));
    }

    [Fact]
    public void Build_FusedRelu_NamesTheActivationsThatFuse()
    {
        using var model = TinyExportModels.Create(TaskKind.Classification, TinyExportModels.Config("relu"));

        var error = Assert.Throws<ConfigException>(() => BertExport.Build(model, fused: true));

        Assert.Contains("hidden_act \"relu\" has no fused export", error.Message);
    }
}
