using Distill.Models;
using static TorchSharp.torch;

namespace Distill.Tasks;

/// <summary>Runs a task model over features for evaluation: eval mode, no gradients, batches sorted by length.</summary>
public static class ModelRunner
{
    /// <returns>
    /// per feature, in input order, its logits over real tokens only, flattened: classification (C),
    /// tagging (T × C), QA (T × 2)
    /// </returns>
    public static float[][] Logits(BertTaskModel model, IReadOnlyList<TrainingFeature> features, int batchSize, int padId)
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
                using var batch = FeatureBatch.Collate(batchFeatures, model.Kind, padId);
                var logits = model.forward(batch.Inputs.InputIds, batch.Inputs.AttentionMask, batch.Inputs.TokenTypeIds).Logits.to(ScalarType.Float32).cpu();
                for (var row = 0; row < chunk.Length; row++)
                {
                    var values = model.Kind == TaskKind.Classification
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
