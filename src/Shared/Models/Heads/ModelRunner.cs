using Distill.Models;
using static TorchSharp.torch;
using Distill.Batches;
using Distill.Tasks;

namespace Distill.Models.Heads;

/// <summary>Runs a task model over features for evaluation: eval mode, no gradients, batches sorted by length.</summary>
internal static class ModelRunner
{
    /// <returns>
    /// per feature, in input order, its logits over real tokens only, flattened: classification (C),
    /// tagging (T × C), QA (T × 2)
    /// </returns>
    public static float[][] Logits(BertTaskModel model, IReadOnlyList<TrainingFeature> features, int batchSize, int padId) =>
        Logits(model, model.Kind, (ids, mask, types) => model.forward(ids, mask, types).Logits, features, batchSize, padId);

    /// <summary>As above, for any module whose <paramref name="forward"/> gives a task's logits (e.g. one head of a multi-task model).</summary>
    /// <param name="model">the module (switched to eval mode for the run)</param>
    /// <param name="kind">the task the logits are for</param>
    /// <param name="forward">(input ids, attention mask, token types) → logits</param>
    /// <param name="features">the features</param>
    /// <param name="batchSize">features per forward pass</param>
    /// <param name="padId">the padding id</param>
    public static float[][] Logits(nn.Module model, TaskKind kind, Func<Tensor, Tensor, Tensor?, Tensor> forward, IReadOnlyList<TrainingFeature> features, int batchSize, int padId)
    {
        var results = new float[features.Count][];
        // Sorting by length wastes no compute on padding; results go back to their input positions.
        var order = Enumerable.Range(0, features.Count).OrderBy(i => features[i].Text.Length).ToArray();
        var wasTraining = model.training;
        model.eval();
        using var _ = no_grad();
        try
        {
            foreach (var chunk in order.Chunk(batchSize))
            {
                using var scope = NewDisposeScope();
                var batchFeatures = chunk.Select(i => features[i]).ToList();
                using var batch = EncoderInputs.Pad(batchFeatures.Select(f => f.Text).ToList(), padId);
                var logits = forward(batch.InputIds, batch.AttentionMask, batch.TokenTypeIds).to(ScalarType.Float32).cpu();
                for (var row = 0; row < chunk.Length; row++)
                {
                    var values = kind == TaskKind.Classification
                        ? logits[row]
                        : logits[row, ..batchFeatures[row].Text.Length];
                    results[chunk[row]] = values.contiguous().data<float>().ToArray();
                }
            }
        }
        finally
        {
            model.train(wasTraining);
        }
        return results;
    }
}
