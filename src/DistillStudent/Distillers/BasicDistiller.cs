using Distill.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Tasks;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Distillers;

/// <summary>TextBrewer's BasicDistiller: one teacher, one task, KD on logits mixed with the hard-label loss.</summary>
public sealed class BasicDistiller(TrainingConfig config, DistillationConfig distillation, AdaptedModel student, ITeacherSource teacher,
    TrainerOutput output, Func<EvaluationResult>? evaluate = null)
    : DistillerBase(config, distillation, student, teacher, output, evaluate)
{
    protected override Tensor Objective(AdaptorOutput student, AdaptorOutput teacher, TrainingProgress progress, Dictionary<string, Tensor> parts) =>
        LogitsObjective(student, teacher, progress, parts);
}
