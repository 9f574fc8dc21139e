using Distill.Models;
using Distill.Tokenization;
using static TorchSharp.torch;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Batches;

/// <summary>A padded batch of features: model inputs plus labels shaped for the task's loss.</summary>
internal sealed class FeatureBatch : IDisposable
{
    private FeatureBatch(IReadOnlyList<TrainingFeature> features, InputBatch inputs, Tensor labels)
    {
        Features = features;
        Inputs = inputs;
        Labels = labels;
    }

    public IReadOnlyList<TrainingFeature> Features { get; }
    public InputBatch Inputs { get; }

    /// <summary>Classification (B); tagging (B, T) padded with the ignore label; QA (B, 2).</summary>
    public Tensor Labels { get; }

    public static FeatureBatch Collate(IReadOnlyList<TrainingFeature> features, TaskKind kind, int padId)
    {
        var inputs = InputBatch.Pad(features.Select(f => f.Text).ToList(), padId);
        Tensor labels;
        if (kind == TaskKind.Tagging)
        {
            var length = inputs.Length;
            var values = new long[features.Count * length];
            Array.Fill(values, TaskLoss.IgnoreLabel);
            for (var row = 0; row < features.Count; row++)
            {
                for (var i = 0; i < features[row].Labels.Length; i++) values[row * length + i] = features[row].Labels[i];
            }
            labels = tensor(values, [features.Count, length]);
        }
        else
        {
            var width = kind == TaskKind.Qa ? 2 : 1;
            var values = features.SelectMany(f => f.Labels.Take(width).Select(l => (long)l)).ToArray();
            labels = kind == TaskKind.Qa ? tensor(values, [features.Count, 2]) : tensor(values);
        }
        return new FeatureBatch(features, inputs, labels);
    }

    public void Dispose()
    {
        Inputs.Dispose();
        Labels.Dispose();
    }
}
