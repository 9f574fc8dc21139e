using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>A batch's total loss and its named parts (logged separately), as TextBrewer's compute_loss returns.</summary>
public sealed record LossResult(Tensor Total, IReadOnlyDictionary<string, Tensor> Components);
