using Distill.Models;
using Distill.Tasks;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Adaptors;

/// <summary>The adaptor of our BERT task models: logits, every hidden state and (when asked) attention, the mask, the task loss.</summary>
public static class BertAdaptor
{
    /// <param name="model">the task model</param>
    /// <param name="outputAttentions">compute attention probabilities (slower; only when a match reads them)</param>
    /// <param name="save">how checkpoints write the model (default: its state dict)</param>
    public static AdaptedModel For(BertTaskModel model, bool outputAttentions = false, Action<string>? save = null) => new(
        model,
        batch => model.forward(batch[Feeds.Batch.InputIds], batch[Feeds.Batch.AttentionMask], batch[Feeds.Batch.TokenTypeIds], outputAttentions),
        (batch, raw) => Adapt(model.Kind, batch, (TaskOutput)raw),
        save);

    public static AdaptorOutput Adapt(TaskKind kind, Feeds.Batch batch, TaskOutput output)
    {
        var mask = batch[Feeds.Batch.AttentionMask];
        var labels = batch.TryGet(Feeds.Batch.Labels);
        return new AdaptorOutput(
            Logits: KdLogits.Of(kind, output.Logits, mask),
            LogitsMask: KdLogits.Mask(kind, mask),
            Labels: labels,
            Hidden: AdaptorOutput.Layers(output.Encoder.HiddenStates),
            Attention: output.Encoder.Attentions is { } a ? AdaptorOutput.Layers(a) : null,
            InputMask: mask,
            Losses: labels is null ? null : [TaskLoss.Compute(kind, output.Logits, labels)])
        {
            LogitsOverPositions = KdLogits.OverPositions(kind),
        };
    }
}
