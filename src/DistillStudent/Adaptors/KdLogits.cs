using Distill.Models;
using Distill.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using Distill.Tasks;

namespace Distill.DistillStudent.Adaptors;

/// <summary>
/// The form in which a task's logits enter KD losses, the same for a student, an online teacher and a cached
/// one. Classification and tagging keep their class axis last (tagging with a logits mask over tokens). QA
/// start and end logits are distributions over positions, not over the two columns: they become (B, 2, T),
/// with padded positions pushed to a large negative value so that neither side gives them probability.
/// </summary>
internal static class KdLogits
{
    private const double Excluded = -10000.0;
    private static readonly Scalar ExcludedScalar = Excluded.ToScalar(); // never collected (KeptScalars)

    public static Tensor Of(TaskKind kind, Tensor logits, Tensor attentionMask) => OverPositions(kind)
        ? Exclude(logits.transpose(1, 2), attentionMask) // (B, 2, T)
        : logits;

    /// <summary>QA logits in KD form (B, 2, T) with the positions where <paramref name="mask"/> (B, T) is 0 given no probability.</summary>
    public static Tensor Exclude(Tensor positional, Tensor mask) => positional.masked_fill(mask.unsqueeze(1).eq(KeptScalars.Zero), ExcludedScalar);

    /// <summary>Whether the task's KD logits are distributions over positions (QA), not over classes.</summary>
    public static bool OverPositions(TaskKind kind) => kind == TaskKind.Qa;

    /// <summary>Token-level tasks mask KD over real tokens; classification and QA (masked above) need none.</summary>
    public static Tensor? Mask(TaskKind kind, Tensor attentionMask) => kind == TaskKind.Tagging ? attentionMask : null;
}
