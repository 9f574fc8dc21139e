using Distill.Models;
using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.DistillStudent.Adaptors;

/// <summary>The adaptor of our BERT task models: logits, every hidden state and (when asked) attention, the mask, the task loss.</summary>
internal static class BertAdaptor
{
    /// <param name="model">the task model</param>
    /// <param name="outputAttentions">compute attention probabilities (slower; only when a match reads them)</param>
    /// <param name="save">how checkpoints write the model (default: its state dict)</param>
    public static AdaptedModel For(BertTaskModel model, bool outputAttentions = false, Action<string>? save = null) => new(
        model,
        batch => model.forward(batch[Feeds.Batch.InputIds], batch[Feeds.Batch.AttentionMask], batch[Feeds.Batch.TokenTypeIds], outputAttentions),
        (batch, raw) => Adapt(model.Kind, batch, (TaskOutput)raw) with { Projections = Projections(model.Encoder, ((TaskOutput)raw).Encoder) },
        save);

    /// <summary>The model's query, key and value projections of each layer, computed from that layer's input when a relation match asks.</summary>
    public static LayerProjections Projections(BertModel model, BertModelOutput output) => LayerProjections.OnDemand(
        layer => layer < model.Config.NumHiddenLayers ? model.QueryKeyValue(layer, output.HiddenStates[layer]) : null, model.Config.NumHiddenLayers);

    public static AdaptorOutput Adapt(TaskKind kind, Feeds.Batch batch, TaskOutput output) =>
        TaskAdaptor.Output(kind, batch, output.Logits, output.Encoder.HiddenStates, output.Encoder.Attentions);
}
