using static TorchSharp.torch;

namespace Distill.DistillStudent.Losses;

/// <summary>
/// A KD loss on logits, (B, C) or token-level (B, T, C). <paramref name="temperature"/> is a scalar tensor or, as
/// TextBrewer's flsw/cwsm schedulers produce, one value per row: (B) for (B, C) logits, (B, T) for token-level ones.
/// <paramref name="mask"/> is (B, T) for token-level logits (only real positions are averaged) or null.
/// </summary>
public delegate Tensor KdLoss(Tensor studentLogits, Tensor teacherLogits, Tensor temperature, Tensor? mask);
