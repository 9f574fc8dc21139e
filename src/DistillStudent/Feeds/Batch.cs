using Distill.DistillStudent.Adaptors;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// One training batch: named tensors (model inputs and labels, as Hugging Face batches are dictionaries) and,
/// when it comes from a teacher cache, the teacher's outputs for the same rows. Disposing it frees them all.
/// </summary>
public sealed class Batch : IDisposable
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";
    public const string Labels = "labels";

    private readonly Dictionary<string, Tensor> tensors;

    public Batch(IReadOnlyDictionary<string, Tensor> tensors, int size, AdaptorOutput? teacher = null, IReadOnlyList<string>? featureIds = null)
    {
        this.tensors = new Dictionary<string, Tensor>(tensors);
        Size = size;
        Teacher = teacher;
        FeatureIds = featureIds ?? [];
    }

    /// <summary>Rows in the batch.</summary>
    public int Size { get; }

    /// <summary>The cached teacher's outputs for these rows, padded like the inputs; null when the teacher runs online.</summary>
    public AdaptorOutput? Teacher { get; }

    /// <summary>The features' ids, in row order (for messages and joins).</summary>
    public IReadOnlyList<string> FeatureIds { get; }

    public IReadOnlyCollection<string> Names => tensors.Keys;

    public Tensor this[string name] => tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"the batch has no tensor \"{name}\"; it has: {string.Join(", ", tensors.Keys)}");

    public Tensor? TryGet(string name) => tensors.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
        if (Teacher is null) return;
        foreach (var t in new[] { Teacher.Logits, Teacher.LogitsMask, Teacher.InputMask, Teacher.TopK?.Values, Teacher.TopK?.Indices, Teacher.TopK?.LogSumExp }
                     .Concat(Teacher.Hidden?.Values ?? []).Concat(Teacher.Attention?.Values ?? []))
        {
            t?.Dispose();
        }
    }
}
