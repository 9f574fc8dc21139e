using Distill.DistillStudent.Adaptors;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.DistillStudent.TaskModels;

/// <summary>
/// A task model of any architecture as <c>train</c>, <c>distill</c> and <c>eval</c> use it: the module, what the
/// run checks (task, layers, vocabulary), its adaptor, its logits for evaluation and how it saves itself. One
/// implementation per architecture, chosen once by <see cref="TaskModelLoader"/> from config.json's model_type.
/// </summary>
internal interface ITaskModel : IDisposable
{
    /// <summary>The TorchSharp module: what the trainer optimizes and checkpoints hold.</summary>
    nn.Module Module { get; }

    TaskKind Kind { get; }

    /// <summary>Layers after the embeddings: matches may name hidden states 0 (embeddings) to this.</summary>
    int Layers { get; }

    /// <summary>Width of the hidden states after the embeddings (what a match's projection starts from).</summary>
    int HiddenSize { get; }

    int VocabSize { get; }

    /// <summary>The model with its adaptor; checkpoints write it with <paramref name="save"/>.</summary>
    /// <param name="outputAttentions">whether a match reads attention probabilities</param>
    /// <param name="save">writes the model into a directory</param>
    AdaptedModel Adapted(bool outputAttentions, Action<string> save);

    /// <summary>The task's logits, as <see cref="Distill.Models.Heads.ModelRunner"/> reads them for evaluation.</summary>
    Tensor Logits(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds);

    /// <summary>Writes the model directory (config.json with the labels, model.safetensors, a copy of vocab.txt).</summary>
    void Save(string directory, IReadOnlyList<string> labels, string vocabPath);
}
