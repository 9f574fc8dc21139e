using Distill.Export.Mapping;
using Distill.Export.Parity;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.Tests.Export.Mapping;

/// <summary>Whole exported models (encoder + each head) against TorchSharp, at dynamic batch sizes and lengths.</summary>
public sealed class BertExportTests
{
    private const double Tolerance = 1e-4;

    public BertExportTests() => TestAssets.EnsureTorch();

    private static void AssertMatches(LoadedModel model, int batch, int length, bool hiddenState = false, int opset = BertExport.DefaultOpset)
    {
        var onnx = BertExport.Build(model, opset, hiddenState);
        var (ids, mask, types) = TinyExportModels.Inputs(batch, length);

        var actual = OnnxRun.Run(onnx, (OutputNames.InputIds, ids), (OutputNames.AttentionMask, mask), (OutputNames.TokenTypeIds, types));
        using var scope = NewDisposeScope();
        var expected = TorchReference.Outputs(model, ids, mask, types);

        Assert.Subset(expected.Keys.ToHashSet(), actual.Keys.ToHashSet());
        var realTokens = mask.to(ScalarType.Float32);
        foreach (var (name, value) in expected.Where(e => actual.ContainsKey(e.Key)))
        {
            // Per-token outputs are compared at real tokens only: padding positions are never read.
            var weight = value.dim() >= 2 && value.shape[1] == length && !(name == OutputNames.Logits && model.Kind == TaskKind.Classification)
                ? realTokens.reshape([batch, length, .. Enumerable.Repeat(1L, (int)value.dim() - 2)])
                : ones(1);
            var diff = ((value - actual[name]).abs() * weight).max().item<float>();
            Assert.True(diff <= Tolerance, $"{name}: max_abs_diff {diff} at batch {batch}, length {length}");
        }
    }

    [Theory]
    [InlineData(TaskKind.Classification)]
    [InlineData(TaskKind.Tagging)]
    [InlineData(TaskKind.Qa)]
    public void Build_TaskHead_MatchesTorch(TaskKind kind)
    {
        using var model = TinyExportModels.Create(kind);
        AssertMatches(model, batch: 4, length: 10);
    }

    [Theory]
    [InlineData(1, 5)]
    [InlineData(7, 5)]
    [InlineData(1, 300)]
    [InlineData(7, 300)]
    public void Build_DynamicBatchAndLength_OneGraphMatchesTorch(int batch, int length)
    {
        using var model = TinyExportModels.Create(TaskKind.Tagging);
        AssertMatches(model, batch, length);
    }

    [Fact]
    public void Build_PlainEncoder_OutputsHiddenStateAndPooler()
    {
        using var model = TinyExportModels.Create(kind: null);
        var onnx = BertExport.Build(model);

        Assert.Equal([OutputNames.LastHiddenState, OutputNames.PoolerOutput], onnx.Graph.Output.Select(o => o.Name));
        AssertMatches(model, batch: 3, length: 12);
    }

    [Fact]
    public void Build_HiddenStateFlag_AddsLastHiddenStateToTaskOutputs()
    {
        using var model = TinyExportModels.Create(TaskKind.Classification);
        var onnx = BertExport.Build(model, hiddenState: true);

        Assert.Equal([OutputNames.Logits, OutputNames.LastHiddenState], onnx.Graph.Output.Select(o => o.Name));
        var shape = onnx.Graph.Input.Single(i => i.Name == OutputNames.InputIds).Type.TensorType.Shape.Dim.Select(d => d.DimParam);
        Assert.Equal([OutputNames.Batch, OutputNames.Sequence], shape);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(22)]
    public void Build_OpsetOutsideSupportedRange_SaysWhich(int opset)
    {
        using var model = TinyExportModels.Create(TaskKind.Classification);

        var error = Assert.Throws<ConfigException>(() => BertExport.Build(model, opset));

        Assert.Contains($"--opset {opset} is not supported: expected 17 to 21", error.Message);
    }

    [Fact]
    public void Build_Opset21_MatchesTorch()
    {
        using var model = TinyExportModels.Create(TaskKind.Qa);
        AssertMatches(model, batch: 2, length: 6, opset: 21);
    }
}
