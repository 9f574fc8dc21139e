using Distill.Models;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Adaptors;

/// <summary>
/// The form in which a task's logits enter KD losses, the same for a student, an online teacher and a cached
/// one. Classification and tagging keep their class axis last (tagging with a logits mask over tokens). QA
/// start and end logits are distributions over positions, not over the two columns: they become (B, 2, T),
/// with padded positions pushed to a large negative value so that neither side gives them probability.
/// </summary>
public static class KdLogits
{
    private const double Excluded = -10000.0;

    public static Tensor Of(TaskKind kind, Tensor logits, Tensor attentionMask) => kind == TaskKind.Qa
        ? logits.transpose(1, 2).masked_fill(attentionMask.unsqueeze(1).eq(0), Excluded) // (B, 2, T)
        : logits;

    /// <summary>Token-level tasks mask KD over real tokens; classification and QA (masked above) need none.</summary>
    public static Tensor? Mask(TaskKind kind, Tensor attentionMask) => kind == TaskKind.Tagging ? attentionMask : null;
}
