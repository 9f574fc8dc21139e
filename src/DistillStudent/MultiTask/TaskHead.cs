using Distill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Models.Bert;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.DistillStudent.MultiTask;

/// <summary>
/// One task's head on a shared encoder, as Hugging Face's task heads compute it: dropout and a linear layer over
/// the pooled output for classification (the encoder has a pooler then), over every token for tagging.
/// Its <c>classifier</c> keys are the ones a Hugging Face task model directory holds.
/// </summary>
internal sealed class TaskHead : nn.Module
{
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public TaskHead(TaskKind kind, BertConfig config, int numLabels) : base(nameof(TaskHead))
    {
        if (kind is not (TaskKind.Classification or TaskKind.Tagging)) throw new ArgumentException($"a multi-task head is for classification or tagging, not {kind.Name()}", nameof(kind));
        ArgumentOutOfRangeException.ThrowIfLessThan(numLabels, 2);
        Kind = kind;
        dropout = nn.Dropout(config.HiddenDropoutProb);
        classifier = nn.Linear(config.HiddenSize, numLabels);
        BertTaskModel.InitializeHead(classifier, config);
        RegisterComponents();
    }

    public TaskKind Kind { get; }

    /// <returns>classification (B, C); tagging (B, T, C)</returns>
    public Tensor forward(BertModelOutput encoded)
    {
        var features = Kind == TaskKind.Classification
            ? encoded.PooledOutput ?? throw new InvalidOperationException("a classification head needs the encoder's pooler") // (B, H)
            : encoded.LastHiddenState; // (B, T, H)
        return classifier.call(dropout.call(features));
    }
}
