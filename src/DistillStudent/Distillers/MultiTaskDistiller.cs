using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Tasks;

namespace Distill.DistillStudent.Distillers;

/// <summary>
/// TextBrewer's MultiTaskDistiller, where its users look for it: <see cref="GeneralDistiller"/>'s objective (KD when
/// both sides give logits, intermediate matches, hard-label loss) on batches that each belong to one task. The task
/// sampling (probability ∝ size^tau, <see cref="MultiTask.TaskSampler"/>) lives in the feed
/// (<see cref="MultiTask.MultiTaskFeed"/>), the per-task heads in the student's adaptor
/// (<see cref="MultiTask.MultiTaskStudent.Adapted"/>) and the per-task teachers in the batches' caches; train it for a
/// number of steps (<see cref="TrainerBase.Train(Feeds.IBatchFeed, int, CancellationToken)"/> or <c>num_steps</c>).
/// </summary>
internal sealed class MultiTaskDistiller(TrainingConfig config, DistillationConfig distillation, AdaptedModel student, ITeacherOutputSource teacher,
    TrainerOutput output, Func<EvaluationResult>? evaluate = null)
    : GeneralDistiller(config, distillation, student, teacher, output, evaluate);
