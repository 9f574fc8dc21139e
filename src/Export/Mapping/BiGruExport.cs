using Distill.Export.Graph;
using Distill.Models;
using Onnx;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.Export.Mapping;

/// <summary>
/// The export spec of <see cref="BiGruTaskModel"/>: inputs <c>input_ids</c> and <c>attention_mask</c> (int64,
/// dynamic batch and sequence; no token types), the embeddings as a Gather, each layer as one bidirectional ONNX
/// <c>GRU</c> node with the real lengths as <c>sequence_lens</c> (so the backward direction starts at each
/// sequence's last real token, as the packed sequences of our model), and the head; output <c>logits</c>.
/// PyTorch keeps a GRU's gates in the order r, z, n; ONNX wants z, r, h, so the weight and bias blocks are
/// reordered; PyTorch applies the reset gate after the recurrent product, which is ONNX's <c>linear_before_reset=1</c>.
/// </summary>
internal static class BiGruExport
{
    /// <param name="model">the BiGRU</param>
    /// <param name="opset">the default domain's opset, <see cref="BertExport.MinOpset"/> to <see cref="BertExport.MaxOpset"/></param>
    public static ModelProto Build(BiGruTaskModel model, int opset = BertExport.DefaultOpset)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (opset is < BertExport.MinOpset or > BertExport.MaxOpset)
        {
            throw new ConfigException($"--opset {opset} is not supported: expected {BertExport.MinOpset} to {BertExport.MaxOpset}");
        }
        var config = model.Config;
        var state = Distill.Models.StateDict.Of(model);
        try
        {
            var graph = new OnnxGraphBuilder($"bigru_{config.Task.Name()}");
            const TensorProto.Types.DataType int64 = TensorProto.Types.DataType.Int64;
            var ids = graph.Input(OutputNames.InputIds, int64, OutputNames.Batch, OutputNames.Sequence);
            var mask = graph.Input(OutputNames.AttentionMask, int64, OutputNames.Batch, OutputNames.Sequence);
            var weights = new ModuleWeights(state);

            var hidden = graph.Node("Gather", "embeddings", [weights.Initializer(graph, "embeddings.word_embeddings.weight"), ids]); // (B, T, E)
            var tokens = graph.Node("ReduceSum", "lengths.int64", [mask, graph.Int64s(1)], Attributes.Int("keepdims", 0));
            var lengths = graph.Node("Cast", "lengths", [tokens], Attributes.Int("to", (long)TensorProto.Types.DataType.Int32)); // (B)
            for (var i = 0; i < config.NumLayers; i++)
            {
                hidden = Layer(graph, weights.Child($"gru.{i}"), config.HiddenSize, hidden, lengths);
            }

            var features = hidden;
            if (config.Task == TaskKind.Classification)
            {
                var real = graph.Node("Cast", "mask.bool", [graph.Node("Unsqueeze", "mask.unsqueeze", [mask, graph.Int64s(2)])],
                    Attributes.Int("to", (long)TensorProto.Types.DataType.Bool)); // (B, T, 1)
                var filled = graph.Node("Where", "pool.masked", [real, hidden, graph.Scalar(float.NegativeInfinity)]);
                // ReduceMax takes its axes as an input from opset 18, as an attribute before.
                features = opset >= 18
                    ? graph.Node("ReduceMax", "pool", [filled, graph.Int64s(1)], Attributes.Int("keepdims", 0))
                    : graph.Node("ReduceMax", "pool", [filled], Attributes.Ints("axes", 1), Attributes.Int("keepdims", 0)); // (B, 2H)
            }
            var logits = LinearExport.Emit(graph, weights, "classifier", features);

            var unused = weights.Unused();
            if (unused.Count > 0) throw new InvalidOperationException($"the export wrote no node for these weights: {string.Join(", ", unused)}");
            object[] shape = config.Task == TaskKind.Classification
                ? [OutputNames.Batch, config.Labels.Count]
                : [OutputNames.Batch, OutputNames.Sequence, config.Labels.Count];
            graph.Output(graph.Rename(logits, OutputNames.Logits), TensorProto.Types.DataType.Float, shape);
            return graph.Build(opset, BertExport.ProducerName, BertExport.ProducerVersion);
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
    }

    /// <summary>One bidirectional GRU layer: (B, T, in) → (B, T, 2H), forward then backward states, as PyTorch concatenates them.</summary>
    private static string Layer(OnnxGraphBuilder graph, ModuleWeights weights, int hiddenSize, string input, string lengths)
    {
        var w = weights.Initializer(graph, weights.Key("W"), ["weight_ih_l0", "weight_ih_l0_reverse"], t => Directions(t, hiddenSize)); // (2, 3H, in)
        var r = weights.Initializer(graph, weights.Key("R"), ["weight_hh_l0", "weight_hh_l0_reverse"], t => Directions(t, hiddenSize)); // (2, 3H, H)
        var b = weights.Initializer(graph, weights.Key("B"), ["bias_ih_l0", "bias_hh_l0", "bias_ih_l0_reverse", "bias_hh_l0_reverse"], t =>
            stack([cat([Gates(t[0], hiddenSize), Gates(t[1], hiddenSize)]), cat([Gates(t[2], hiddenSize), Gates(t[3], hiddenSize)])])); // (2, 6H)
        var timeMajor = graph.Node("Transpose", weights.Key("time_major"), [input], Attributes.Ints("perm", 1, 0, 2)); // (T, B, in)
        var states = graph.Node("GRU", [weights.Key("Y")], [timeMajor, w, r, b, lengths],
            Attributes.Int("hidden_size", hiddenSize), Attributes.String("direction", "bidirectional"), Attributes.Int("linear_before_reset", 1))[0]; // (T, 2, B, H)
        var batchMajor = graph.Node("Transpose", weights.Key("batch_major"), [states], Attributes.Ints("perm", 2, 0, 1, 3)); // (B, T, 2, H)
        return graph.Node("Reshape", weights.Key("output"), [batchMajor, graph.Int64s(0, 0, -1)]); // (B, T, 2H)
    }

    private static Tensor Directions(IReadOnlyList<Tensor> forwardAndReverse, int hiddenSize) =>
        stack([Gates(forwardAndReverse[0], hiddenSize), Gates(forwardAndReverse[1], hiddenSize)]);

    // PyTorch's blocks r, z, n (along the first axis) → ONNX's z, r, h.
    private static Tensor Gates(Tensor blocks, int hiddenSize) =>
        cat([blocks[hiddenSize..(2 * hiddenSize)], blocks[..hiddenSize], blocks[(2 * hiddenSize)..]]);
}
