using Distill.Configuration;
using Distill.Models;
using Distill.Tasks;

namespace Distill.DistillStudent.Training;

/// <summary>Supervised training of a model on its task's labels (TextBrewer's BasicTrainer, used for teachers).</summary>
public sealed class BasicTrainer(TrainingConfig config, BertTaskModel model, IReadOnlyList<string> labels, ITaskData train, ITaskData? dev, int padId, TrainerOutput output)
    : TrainerBase(config, model, labels, train, dev, padId, output)
{
    protected override LossResult ComputeLoss(FeatureBatch batch)
    {
        var logits = Model.forward(batch.Inputs.InputIds, batch.Inputs.AttentionMask, batch.Inputs.TokenTypeIds).Logits;
        return new LossResult(TaskLoss.Compute(Model.Kind, logits, batch.Labels), new Dictionary<string, TorchSharp.torch.Tensor>());
    }
}
