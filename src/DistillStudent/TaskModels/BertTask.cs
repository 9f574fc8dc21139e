using Distill.DistillStudent.Adaptors;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.DistillStudent.TaskModels;

/// <summary>A BERT task model (Hugging Face directory) behind <see cref="ITaskModel"/>, with <see cref="BertAdaptor"/>.</summary>
internal sealed class BertTask(BertTaskModel model, IReadOnlyList<string> labels) : ITaskModel
{
    public BertTaskModel Model { get; } = model;
    public nn.Module Module => Model;
    public TaskKind Kind => Model.Kind;
    public IReadOnlyList<string> Labels { get; } = labels;
    public int? AttentionHeads => Model.Config.NumAttentionHeads;
    public int Layers => Model.Config.NumHiddenLayers;
    public int HiddenSize => Model.Config.HiddenSize;
    public int VocabSize => Model.Config.VocabSize;

    public AdaptedModel Adapted(bool outputAttentions, Action<string> save) => BertAdaptor.For(Model, outputAttentions, save);

    public Tensor Logits(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds) => Model.forward(inputIds, attentionMask, tokenTypeIds).Logits;

    public void Save(string directory, IReadOnlyList<string> labels, string vocabPath) => TaskModelDirectory.Save(directory, Model, labels, vocabPath);

    public void Dispose() => Model.Dispose();
}
