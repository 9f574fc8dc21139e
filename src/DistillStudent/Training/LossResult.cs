using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>A batch's total loss and its named parts (logged separately), as TextBrewer's compute_loss returns.</summary>
/// <param name="Total">the weighted sum that is back-propagated, a scalar</param>
/// <param name="Components">each term before its weight, by name: <c>kd_loss</c>, <c>hard_label_loss</c>, each match's and each objective term's</param>
public sealed record LossResult(Tensor Total, IReadOnlyDictionary<string, Tensor> Components);
