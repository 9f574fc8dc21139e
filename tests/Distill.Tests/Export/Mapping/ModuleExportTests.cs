using Distill.Export.Graph;
using Distill.Export.Mapping;
using Distill.Models;
using Distill.Tests.Support;
using Onnx;
using static TorchSharp.torch;
using Distill.Models.Bert;

namespace Distill.Tests.Export.Mapping;

/// <summary>Each module's ONNX mapping against the TorchSharp module itself, on random weights and inputs.</summary>
public sealed class ModuleExportTests
{
    private const double Tolerance = 1e-5;
    private static readonly BertConfig Config = TinyExportModels.Config();

    public ModuleExportTests() => TestAssets.EnsureTorch();

    private static (OnnxGraphBuilder Graph, ModuleWeights Weights) Begin(nn.Module module) =>
        (new OnnxGraphBuilder("test"), new ModuleWeights(StateDict.Of(module)));

    private static ModelProto Finish(OnnxGraphBuilder graph, ModuleWeights weights, string output, int rank)
    {
        Assert.Empty(weights.Unused());
        graph.Output(graph.Rename(output, "out"), TensorProto.Types.DataType.Float, Enumerable.Range(0, rank).Select(i => (object)$"d{i}").ToArray());
        return graph.Build(17, "test", "0");
    }

    private static string FloatInput(OnnxGraphBuilder graph, string name) =>
        graph.Input(name, TensorProto.Types.DataType.Float, "batch", "sequence", Config.HiddenSize);

    private static string MaskInput(OnnxGraphBuilder graph) =>
        graph.Input("attention_mask", TensorProto.Types.DataType.Int64, "batch", "sequence");

    [Fact]
    public void EmbeddingsExport_RandomIdsAndTypes_MatchesTorch()
    {
        manual_seed(1);
        using var module = new BertEmbeddings(Config);
        module.eval();
        var (ids, _, types) = TinyExportModels.Inputs(3, 11);
        var (graph, weights) = Begin(module);
        var output = EmbeddingsExport.Emit(graph, weights, Config,
            graph.Input("input_ids", TensorProto.Types.DataType.Int64, "batch", "sequence"),
            graph.Input("token_type_ids", TensorProto.Types.DataType.Int64, "batch", "sequence"));

        var actual = OnnxRun.Run(Finish(graph, weights, output, 3), ("input_ids", ids), ("token_type_ids", types))["out"];

        Assert.InRange(OnnxRun.MaxAbsDiff(module.forward(ids, types), actual), 0, Tolerance);
    }

    /// <summary>Runs a module that takes (hidden, mask) both ways on a padded batch; returns the largest difference.</summary>
    private static double PaddedBatchDiff(nn.Module module, Func<OnnxGraphBuilder, ModuleWeights, string, string, string> emit, Func<Tensor, Tensor, Tensor> forward)
    {
        module.eval();
        var (_, mask, _) = TinyExportModels.Inputs(4, 9);
        var hidden = randn(4, 9, Config.HiddenSize);
        var (graph, weights) = Begin(module);
        var additive = AttentionMaskExport.Emit(graph, MaskInput(graph));
        var output = emit(graph, weights, FloatInput(graph, "hidden"), additive);

        var actual = OnnxRun.Run(Finish(graph, weights, output, 3), ("hidden", hidden), ("attention_mask", mask))["out"];

        return OnnxRun.MaxAbsDiff(forward(hidden, BertModel.AdditiveMask(mask, ScalarType.Float32)), actual);
    }

    [Fact]
    public void SelfAttentionExport_PaddedBatch_MatchesTorch()
    {
        manual_seed(2);
        using var module = new BertSelfAttention(Config);

        var diff = PaddedBatchDiff(module, (g, w, hidden, mask) => SelfAttentionExport.Emit(g, w, Config, hidden, mask),
            (hidden, mask) => module.forward(hidden, mask, false).Context);

        Assert.InRange(diff, 0, Tolerance);
    }

    [Fact]
    public void AttentionMaskExport_Mask_IsZeroAtTokensAndMinus10000AtPadding()
    {
        var graph = new OnnxGraphBuilder("test");
        var output = AttentionMaskExport.Emit(graph, MaskInput(graph));
        graph.Output(output, TensorProto.Types.DataType.Float, "b", 1, 1, "t");

        var actual = OnnxRun.Run(graph.Build(17, "test", "0"), ("attention_mask", tensor(new long[] { 1, 1, 0 }, [1, 3])))[output];

        Assert.Equal([0f, 0f, -10000f], actual.data<float>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 3 }, actual.shape);
    }

    [Theory]
    [InlineData("gelu")]
    [InlineData("gelu_new")]
    [InlineData("gelu_pytorch_tanh")]
    [InlineData("relu")]
    public void FeedForwardExport_Activation_MatchesTorch(string act)
    {
        manual_seed(3);
        var config = Config with { HiddenAct = act };
        using var module = new BertIntermediate(config);
        var hidden = randn(2, 7, Config.HiddenSize) * 3; // wide enough to reach both tails of the activation
        var (graph, weights) = Begin(module);
        var output = FeedForwardExport.Emit(graph, weights, config, FloatInput(graph, "hidden"));

        var actual = OnnxRun.Run(Finish(graph, weights, output, 3), ("hidden", hidden))["out"];

        Assert.InRange(OnnxRun.MaxAbsDiff(module.forward(hidden), actual), 0, Tolerance);
    }

    [Fact]
    public void LayerExport_PaddedBatch_MatchesTorch()
    {
        manual_seed(4);
        using var module = new BertLayer(Config);

        var diff = PaddedBatchDiff(module, (g, w, hidden, mask) => LayerExport.Emit(g, w, Config, hidden, mask),
            (hidden, mask) => module.forward(hidden, mask, false).Hidden);

        Assert.InRange(diff, 0, Tolerance);
    }

    [Fact]
    public void PoolerExport_Hidden_MatchesTorch()
    {
        manual_seed(5);
        using var module = new BertPooler(Config);
        var hidden = randn(3, 6, Config.HiddenSize);
        var (graph, weights) = Begin(module);
        var output = PoolerExport.Emit(graph, weights, FloatInput(graph, "hidden"));

        var actual = OnnxRun.Run(Finish(graph, weights, output, 2), ("hidden", hidden))["out"];

        Assert.InRange(OnnxRun.MaxAbsDiff(module.forward(hidden), actual), 0, Tolerance);
    }

    [Fact]
    public void LinearExport_HandComputed_MatchesTorchLinearLayout()
    {
        // A Linear stores W as (out, in); y = x·Wᵀ + b. With W = [[1, 2], [3, 4], [5, 6]], b = [1, 0, -1], x = [1, 1]:
        // y = [1+2+1, 3+4+0, 5+6-1] = [4, 7, 10].
        var weights = new ModuleWeights(new Dictionary<string, Tensor>
        {
            ["dense.weight"] = tensor(new float[] { 1, 2, 3, 4, 5, 6 }, [3, 2]),
            ["dense.bias"] = tensor(new float[] { 1, 0, -1 }),
        });
        var graph = new OnnxGraphBuilder("test");
        var output = LinearExport.Emit(graph, weights, "dense", graph.Input("x", TensorProto.Types.DataType.Float, 1, 2));
        graph.Output(output, TensorProto.Types.DataType.Float, 1, 3);

        var actual = OnnxRun.Run(graph.Build(17, "test", "0"), ("x", tensor(new float[] { 1, 1 }, [1, 2])))[output];

        Assert.Equal([4f, 7f, 10f], actual.data<float>().ToArray());
    }
}
