using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Tasks;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Distillers;

/// <summary>
/// TextBrewer's BasicDistiller: KD on logits mixed with the hard-label loss. With several teachers it is
/// TextBrewer's MultiTeacherDistiller (KD on the teachers' mean logits).
/// </summary>
internal class BasicDistiller(TrainingConfig config, DistillationConfig distillation, AdaptedModel student, ITeacherOutputSource teacher,
    TrainerOutput output, Func<EvaluationResult>? evaluate = null, IReadOnlyList<double>? teacherWeights = null)
    : DistillerBase(config, distillation, student, teacher, output, evaluate, teacherWeights)
{
    protected sealed override Tensor? Objective(AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers, TrainingProgress progress, Dictionary<string, Tensor> parts) =>
        LogitsObjective(student, teachers, progress, parts);
}
