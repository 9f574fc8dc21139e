using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Tasks;

namespace Distill.DistillStudent.Distillers;

/// <summary>
/// TextBrewer's MultiTeacherDistiller, where its users look for it: KD against the mean of several teachers' logits
/// (weighted when <paramref name="teacherWeights"/> is given) plus the hard-label loss, no intermediate matches.
/// It is <see cref="BasicDistiller"/>'s objective, which averages whatever teachers <paramref name="teacher"/> gives;
/// for matches against several teachers use <see cref="GeneralDistiller"/>, whose matches name their teacher.
/// </summary>
internal sealed class MultiTeacherDistiller(TrainingConfig config, DistillationConfig distillation, AdaptedModel student, ITeacherOutputSource teacher,
    TrainerOutput output, Func<EvaluationResult>? evaluate = null, IReadOnlyList<double>? teacherWeights = null)
    : BasicDistiller(config, distillation, student, teacher, output, evaluate, teacherWeights);
