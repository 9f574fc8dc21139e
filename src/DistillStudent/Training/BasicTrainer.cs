using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.Tasks;
using Distill.Runtime;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>Supervised training on the task's labels (TextBrewer's BasicTrainer, used for teachers): the sum of the adaptor's losses.</summary>
internal sealed class BasicTrainer(TrainingConfig config, AdaptedModel model, TrainerOutput output, Func<EvaluationResult>? evaluate = null)
    : TrainerBase(config, model, output, evaluate)
{
    protected override LossResult ComputeLoss(Batch batch, TrainingProgress progress)
    {
        var losses = RunStudent(batch).Losses;
        if (losses is null || losses.Count == 0) throw new InvalidOperationException("BasicTrainer needs the adaptor to return the model's losses (the batch has no labels?)");
        return new LossResult(losses.Aggregate(KeptScalars.Plus), new Dictionary<string, Tensor>());
    }
}
