using Distill.Models;
using Distill.Tasks;
using static TorchSharp.torch;
using Distill.Models.Heads;

namespace Distill.DistillStudent.Adaptors;

/// <summary>What every task model's adaptor returns, whatever its architecture: KD logits and their mask, labels, hidden states, attention, the input mask, the task loss.</summary>
internal static class TaskAdaptor
{
    /// <param name="kind">the task</param>
    /// <param name="batch">the batch (attention mask; labels when it has them)</param>
    /// <param name="logits">the task's logits as the model returns them</param>
    /// <param name="hidden">hidden states by layer (0 = embeddings)</param>
    /// <param name="attention">attention probabilities by layer, or null</param>
    public static AdaptorOutput Output(TaskKind kind, Feeds.Batch batch, Tensor logits, IReadOnlyList<Tensor> hidden, IReadOnlyList<Tensor>? attention)
    {
        var mask = batch[Feeds.Batch.AttentionMask];
        var labels = batch.TryGet(Feeds.Batch.Labels);
        return new AdaptorOutput(
            Logits: KdLogits.Of(kind, logits, mask),
            LogitsMask: KdLogits.Mask(kind, mask),
            Labels: labels,
            Hidden: AdaptorOutput.Layers(hidden),
            Attention: attention is null ? null : AdaptorOutput.Layers(attention),
            InputMask: mask,
            Losses: labels is null ? null : [TaskLoss.Compute(kind, logits, labels)])
        {
            LogitsOverPositions = KdLogits.OverPositions(kind),
        };
    }
}
