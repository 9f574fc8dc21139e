using Distill.Models;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.DistillStudent.Adaptors;

/// <summary>
/// The adaptor of <see cref="BiGruTaskModel"/>: logits (with the tagging mask), every hidden state (0 = embeddings,
/// i = GRU layer i, both directions concatenated), the input mask and the task loss. No attention.
/// </summary>
internal static class BiGruAdaptor
{
    /// <param name="model">the BiGRU</param>
    /// <param name="save">how checkpoints write the model (default: its state dict)</param>
    public static AdaptedModel For(BiGruTaskModel model, Action<string>? save = null) => new(
        model,
        batch => model.forward(batch[Feeds.Batch.InputIds], batch[Feeds.Batch.AttentionMask]),
        (batch, raw) => Adapt(model.Kind, batch, (BiGruOutput)raw),
        save);

    public static AdaptorOutput Adapt(TaskKind kind, Feeds.Batch batch, BiGruOutput output) =>
        TaskAdaptor.Output(kind, batch, output.Logits, output.HiddenStates, attention: null);
}
