using static TorchSharp.torch;

namespace Distill.DistillStudent.Schedules;

/// <summary>
/// A user's temperature scheduler, TextBrewer's <c>scheduler(logits_S, logits_T, base_temperature)</c>: the
/// temperature of a batch's KD loss, a scalar tensor or one value per row ((B) for (B, C) logits, (B, T) for
/// token-level ones). Called under no_grad with detached logits; <paramref name="mask"/> is the (B, T) mask of
/// real positions for token-level logits, or null.
/// </summary>
public delegate Tensor TemperatureFunction(Tensor studentLogits, Tensor teacherLogits, double baseTemperature, Tensor? mask);
