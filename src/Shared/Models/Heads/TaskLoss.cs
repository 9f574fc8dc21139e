using Distill.Models;
using Distill.Runtime;
using static TorchSharp.torch;
using Distill.Tasks;

namespace Distill.Models.Heads;

/// <summary>The supervised loss of each task kind (what BasicTrainer minimizes).</summary>
internal static class TaskLoss
{
    /// <summary>Positions with this label add nothing to the loss (PyTorch's <c>ignore_index</c> default).</summary>
    public const int IgnoreLabel = Features.TaggingFeatures.IgnoreLabel;

    /// <param name="kind">the task</param>
    /// <param name="logits">classification (B, C); tagging (B, T, C); QA (B, T, 2)</param>
    /// <param name="labels">classification (B); tagging (B, T) padded with <see cref="IgnoreLabel"/>; QA (B, 2) start and end positions</param>
    public static Tensor Compute(TaskKind kind, Tensor logits, Tensor labels) => kind switch
    {
        TaskKind.Classification => nn.functional.cross_entropy(logits, labels),
        TaskKind.Tagging => nn.functional.cross_entropy(logits.reshape(-1, logits.shape[^1]), labels.reshape(-1), ignore_index: IgnoreLabel),
        TaskKind.Qa => nn.functional.cross_entropy(logits[.., .., 0], labels[.., 0]).Plus(nn.functional.cross_entropy(logits[.., .., 1], labels[.., 1])).DividedBy(2),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
