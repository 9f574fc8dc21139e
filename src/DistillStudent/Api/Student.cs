using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Tasks;

namespace Distill.DistillStudent.Api;

/// <summary>
/// The model a <see cref="Distiller"/> trains: any TorchSharp module, unchanged, with how to run it on a batch and
/// read its output (TextBrewer's model and adaptor). Its parameters are trained, its state dict checkpointed.
/// </summary>
public sealed class Student
{
    private Student(AdaptedModel model) => Model = model;

    /// <summary>The module with its forward and adaptor, as the library's trainers take it.</summary>
    internal AdaptedModel Model { get; }

    /// <summary>
    /// A module whose output a function reads into what distillers use: logits for KD, hidden states and attention
    /// for intermediate matches, the input mask, and its own losses on the labels for the hard-label term.
    /// </summary>
    /// <param name="module">the model</param>
    /// <param name="run">runs the model on a batch (<see cref="Batch"/>: <c>input_ids</c>, <c>attention_mask</c>, <c>token_type_ids</c>, <c>labels</c>) and reads its output</param>
    /// <param name="save">writes the model into a checkpoint or <c>best/</c> directory; by default its state dict as <c>model.safetensors</c></param>
    public static Student Create(nn.Module module, Func<Batch, AdaptorOutput> run, Action<string>? save = null)
    {
        ArgumentNullException.ThrowIfNull(module);
        ArgumentNullException.ThrowIfNull(run);
        return new Student(new AdaptedModel(module, batch => run(batch), (_, output) => (AdaptorOutput)output, save));
    }

    /// <summary>
    /// A sequence classifier from token ids (B, T) to logits (B, C); its hard-label loss is the cross-entropy on the
    /// batch's labels. Padding positions hold the tokenizer's padding id.
    /// </summary>
    /// <param name="model">the classifier</param>
    public static Student Classifier(nn.Module<Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(model, batch => ClassifierOutput(batch, model.call(batch[Batch.InputIds])));
    }

    /// <summary>A sequence classifier from token ids and attention mask (B, T) to logits (B, C); its hard-label loss is the cross-entropy on the batch's labels.</summary>
    /// <param name="model">the classifier</param>
    public static Student Classifier(nn.Module<Tensor, Tensor, Tensor> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(model, batch => ClassifierOutput(batch, model.call(batch[Batch.InputIds], batch[Batch.AttentionMask])));
    }

    /// <summary>
    /// A sequence classifier from token ids and attention mask (B, T) to logits (B, C) and hidden states (index 0 the
    /// embeddings, each (B, T, H)) for intermediate matches; its hard-label loss is the cross-entropy on the batch's labels.
    /// </summary>
    /// <param name="model">the classifier</param>
    public static Student Classifier(nn.Module<Tensor, Tensor, (Tensor Logits, IReadOnlyList<Tensor> Hidden)> model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Create(model, batch => ClassifierOutput(batch, model.call(batch[Batch.InputIds], batch[Batch.AttentionMask])));
    }

    /// <summary>A model already adapted (e.g. <see cref="BertAdaptor.For"/> of our BERT task models).</summary>
    /// <param name="model">the adapted model</param>
    public static Student From(AdaptedModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return new Student(model);
    }

    /// <summary>What a sequence classifier's logits give distillers: KD logits, the input mask, the labels and their cross-entropy.</summary>
    internal static AdaptorOutput ClassifierOutput(Batch batch, Tensor logits) =>
        TaskAdaptor.Output(TaskKind.Classification, batch, logits, [], null);

    /// <summary>As <see cref="ClassifierOutput(Batch, Tensor)"/>, with hidden states by layer for intermediate matches.</summary>
    internal static AdaptorOutput ClassifierOutput(Batch batch, (Tensor Logits, IReadOnlyList<Tensor> Hidden) output) =>
        TaskAdaptor.Output(TaskKind.Classification, batch, output.Logits, output.Hidden, null);
}
