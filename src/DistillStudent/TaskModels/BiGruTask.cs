using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.DistillStudent.TaskModels;

/// <summary>A BiGRU task model behind <see cref="ITaskModel"/>, with <see cref="BiGruAdaptor"/>.</summary>
internal sealed class BiGruTask(BiGruTaskModel model) : ITaskModel
{
    public BiGruTaskModel Model { get; } = model;
    public nn.Module Module => Model;
    public TaskKind Kind => Model.Kind;
    public IReadOnlyList<string> Labels => Model.Config.Labels;
    public int Layers => Model.Config.NumLayers;
    public int HiddenSize => Model.Config.OutputSize;
    public int VocabSize => Model.Config.VocabSize;

    public AdaptedModel Adapted(bool outputAttentions, Action<string> save) => outputAttentions
        ? throw new ConfigException("a BiGRU student has no attention to match; remove the attention matches (hidden-state matches work, with a projection where the widths differ)")
        : BiGruAdaptor.For(Model, save);

    public Tensor Logits(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds) => Model.forward(inputIds, attentionMask).Logits;

    /// <summary>The labels are the model's own (they are part of its config).</summary>
    public void Save(string directory, IReadOnlyList<string> labels, string vocabPath) => BiGruDirectory.Save(directory, Model, vocabPath);

    public void Dispose() => Model.Dispose();
}
