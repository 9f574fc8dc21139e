using Distill.Export.Graph;
using Distill.Models;
using Onnx;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.Export.Mapping;

/// <summary>
/// The export spec of our BERT models (Optimum keeps one per architecture): inputs <c>input_ids</c>,
/// <c>attention_mask</c>, <c>token_type_ids</c> (int64, dynamic <c>batch</c> and <c>sequence</c>), the encoder
/// module by module, the task head, and outputs named by task.
/// </summary>
internal static class BertExport
{
    public const int DefaultOpset = 17;

    /// <summary>LayerNormalization is a standard op from opset 17; 21 is the newest these mappings were checked at.</summary>
    public const int MinOpset = 17;
    public const int MaxOpset = 21;

    public const string ProducerName = "distill export-onnx";

    public static string ProducerVersion => typeof(BertExport).Assembly.GetName().Version?.ToString() ?? "0";

    /// <param name="model">the loaded model (task model or plain encoder)</param>
    /// <param name="opset">the default domain's opset, <see cref="MinOpset"/> to <see cref="MaxOpset"/></param>
    /// <param name="hiddenState">also output <c>last_hidden_state</c> from a task model (an encoder always does)</param>
    /// <param name="fused">the encoder as ONNX Runtime's fused contrib operators (<see cref="FusedEncoderExport"/>) instead of standard
    /// ops; for a sequence classifier without <paramref name="hiddenState"/>, the last layer at position 0 only (<see cref="FirstTokenLayerExport"/>)</param>
    public static ModelProto Build(LoadedModel model, int opset = DefaultOpset, bool hiddenState = false, bool fused = false)
    {
        if (opset is < MinOpset or > MaxOpset)
        {
            throw new ConfigException($"--opset {opset} is not supported: expected {MinOpset} to {MaxOpset} (LayerNormalization is a standard op from opset 17, and this exporter writes it as one node)");
        }
        var config = model.Encoder.Config;
        var state = StateDict.Of(model.Module);
        try
        {
            var graph = new OnnxGraphBuilder(model.Kind is { } k ? $"bert_{k.Name()}" : "bert_encoder");
            const TensorProto.Types.DataType int64 = TensorProto.Types.DataType.Int64;
            var ids = graph.Input(OutputNames.InputIds, int64, OutputNames.Batch, OutputNames.Sequence);
            var mask = graph.Input(OutputNames.AttentionMask, int64, OutputNames.Batch, OutputNames.Sequence);
            var types = graph.Input(OutputNames.TokenTypeIds, int64, OutputNames.Batch, OutputNames.Sequence);

            var weights = new ModuleWeights(state);
            var encoder = model.Kind is null ? weights : weights.Child("bert");
            // The fused file of a classifier computes its last layer at position 0 only: nothing else reaches the logits.
            var firstTokenOnly = fused && FirstTokenLayerExport.Applies(model.Kind, hiddenState);
            var fullLayers = firstTokenOnly ? config.NumHiddenLayers - 1 : config.NumHiddenLayers;
            var hidden = fused ? FusedEncoderExport.Emit(graph, encoder, config, ids, mask, types, fullLayers) : Encoder(graph, encoder, config, ids, mask, types);
            var pooled = firstTokenOnly
                ? PoolerExport.OfFirstToken(graph, encoder.Child("pooler"), FirstTokenLayerExport.Emit(graph, encoder.Child($"encoder.layer.{fullLayers}"), config, hidden, mask))
                : model.Encoder.HasPooler ? PoolerExport.Emit(graph, encoder.Child("pooler"), hidden) : null;

            var outputs = new List<(string Name, string Value)>();
            if (model.Kind is { } kind) outputs.AddRange(HeadExport.Emit(graph, weights, kind, hidden, pooled));
            if (model.Kind is null || hiddenState) outputs.Add((OutputNames.LastHiddenState, hidden));
            if (model.Kind is null && pooled is not null) outputs.Add((OutputNames.PoolerOutput, pooled));

            var unused = weights.Unused();
            if (unused.Count > 0)
            {
                throw new InvalidOperationException($"the export wrote no node for these weights: {string.Join(", ", unused)}");
            }
            foreach (var (name, value) in outputs)
            {
                graph.Output(graph.Rename(value, name), TensorProto.Types.DataType.Float, OutputShape(name, model.Kind, config, model.Labels.Count));
            }
            return graph.Build(opset, ProducerName, ProducerVersion);
        }
        finally
        {
            foreach (var tensor in state.Values) tensor.Dispose();
        }
    }

    private static string Encoder(OnnxGraphBuilder graph, ModuleWeights encoder, BertConfig config, string ids, string mask, string types)
    {
        var hidden = EmbeddingsExport.Emit(graph, encoder.Child("embeddings"), config, ids, types);
        var additiveMask = AttentionMaskExport.Emit(graph, mask);
        for (var i = 0; i < config.NumHiddenLayers; i++)
        {
            hidden = LayerExport.Emit(graph, encoder.Child($"encoder.layer.{i}"), config, hidden, additiveMask);
        }
        return hidden;
    }

    private static object[] OutputShape(string name, TaskKind? kind, BertConfig config, int labels) => name switch
    {
        OutputNames.Logits when kind == TaskKind.Classification => [OutputNames.Batch, labels],
        OutputNames.Logits => [OutputNames.Batch, OutputNames.Sequence, labels],
        OutputNames.StartLogits or OutputNames.EndLogits => [OutputNames.Batch, OutputNames.Sequence],
        OutputNames.PoolerOutput => [OutputNames.Batch, config.HiddenSize],
        _ => [OutputNames.Batch, OutputNames.Sequence, config.HiddenSize],
    };
}
