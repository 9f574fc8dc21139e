using Distill.Tasks;
using Distill.Export.Graph;
using Distill.Export.Mapping;
using Distill.Export.Parity;
using Distill.Models;
using Distill.Tests.Support;
using Onnx;
using static TorchSharp.torch;

namespace Distill.Tests.Export.Mapping;

/// <summary>The fused classifier's last layer at position 0 only: same logits as our model and the full graph, and only where nothing else is read.</summary>
public sealed class FirstTokenLayerExportTests
{
    private const double Tolerance = 1e-4;
    private const string LastKey = "bert.encoder.layer.1.attention.self.key";

    public FirstTokenLayerExportTests() => TestAssets.EnsureTorch();

    private static Tensor Logits(ModelProto onnx, Tensor ids, Tensor mask, Tensor types) =>
        OnnxRun.Run(onnx, (OutputNames.InputIds, ids), (OutputNames.AttentionMask, mask), (OutputNames.TokenTypeIds, types))[OutputNames.Logits];

    private static Dictionary<string, int> Counts(ModelProto onnx) => OpCounts.Of(onnx).ToDictionary();

    [Theory]
    [InlineData(1, 9, false)]
    [InlineData(5, 17, false)]
    [InlineData(5, 17, true)]
    [InlineData(3, 300, true)]
    public void Build_FusedClassifier_LogitsMatchOurModelAndTheFullGraph(int batch, int length, bool leftPadding)
    {
        using var model = TinyExportModels.Create(TaskKind.Classification);
        var (ids, mask, types) = TinyExportModels.Inputs(batch, length);
        // Rows after the first have padding of every amount; flipped, it comes first and position 0 is a pad token.
        if (leftPadding) mask = mask.flip(1);
        var pruned = BertExport.Build(model, fused: true);

        var actual = Logits(pruned, ids, mask, types);
        var full = Logits(BertExport.Build(model), ids, mask, types);
        using var scope = NewDisposeScope();
        var ours = TorchReference.Outputs(model, ids, mask, types)[OutputNames.Logits];

        Assert.Contains(pruned.Graph.Initializer, i => i.Name == $"{LastKey}.folded");
        Assert.DoesNotContain(pruned.Graph.Initializer, i => i.Name == $"{LastKey}.weight");
        Assert.InRange(OnnxRun.MaxAbsDiff(ours, actual), 0, Tolerance);
        Assert.InRange(OnnxRun.MaxAbsDiff(full, actual), 0, Tolerance);
        // The padded rows differ from the full-length first row: the mask reached the one-query attention.
        if (batch > 1) Assert.True(OnnxRun.MaxAbsDiff(actual[0], actual[^1]) > 1e-3);
    }

    [Fact]
    public void Build_FusedOneLayerClassifier_OnlyTheFirstTokenLayerAndSameLogits()
    {
        using var model = TinyExportModels.Create(TaskKind.Classification, TinyExportModels.Config() with { NumHiddenLayers = 1 });
        var (ids, mask, types) = TinyExportModels.Inputs(4, 11);
        var pruned = BertExport.Build(model, fused: true);

        var actual = Logits(pruned, ids, mask, types);
        using var scope = NewDisposeScope();
        var ours = TorchReference.Outputs(model, ids, mask, types)[OutputNames.Logits];

        Assert.DoesNotContain("com.microsoft.Attention", Counts(pruned).Keys);
        // No node whose output nothing reads (such as the int32 mask that only a fused Attention takes).
        var read = pruned.Graph.Node.SelectMany(n => n.Input).Concat(pruned.Graph.Output.Select(o => o.Name)).ToHashSet();
        Assert.All(pruned.Graph.Node, n => Assert.Contains(n.Output[0], read));
        Assert.InRange(OnnxRun.MaxAbsDiff(ours, actual), 0, Tolerance);
    }

    [Fact]
    public void Build_FusedClassifier_LastLayerWithoutFusedAttention()
    {
        using var model = TinyExportModels.Create(TaskKind.Classification);

        var counts = Counts(BertExport.Build(model, fused: true));

        Assert.Equal(1, counts["com.microsoft.Attention"]);
        Assert.Equal(2, counts["com.microsoft.SkipLayerNormalization"]);
        Assert.Equal(1, counts["Softmax"]);
        Assert.Equal(2, counts["LayerNormalization"]);
    }

    [Theory]
    [InlineData(TaskKind.Tagging, false)]
    [InlineData(TaskKind.Qa, false)]
    [InlineData(TaskKind.Classification, true)]
    public void Build_FusedWhereEveryPositionIsRead_KeepsTheLastLayerWhole(TaskKind kind, bool hiddenState)
    {
        using var model = TinyExportModels.Create(kind);

        var onnx = BertExport.Build(model, hiddenState: hiddenState, fused: true);

        var counts = Counts(onnx);
        Assert.Equal(2, counts["com.microsoft.Attention"]);
        Assert.Equal(4, counts["com.microsoft.SkipLayerNormalization"]);
        Assert.DoesNotContain("Softmax", counts.Keys);
        Assert.DoesNotContain(onnx.Graph.Initializer, i => i.Name.EndsWith(".folded", StringComparison.Ordinal));
    }

    [Fact]
    public void Applies_OnlyToAClassifierWithoutHiddenState()
    {
        Assert.True(FirstTokenLayerExport.Applies(TaskKind.Classification, hiddenState: false));
        Assert.False(FirstTokenLayerExport.Applies(TaskKind.Classification, hiddenState: true));
        Assert.False(FirstTokenLayerExport.Applies(TaskKind.Tagging, hiddenState: false));
        Assert.False(FirstTokenLayerExport.Applies(TaskKind.Qa, hiddenState: false));
        Assert.False(FirstTokenLayerExport.Applies(null, hiddenState: false));
    }
}
