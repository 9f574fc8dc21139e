using Distill.DistillStudent.Adaptors;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// One training batch: named tensors (model inputs and labels, as Hugging Face batches are dictionaries) and,
/// when it comes from teacher caches, each teacher's outputs for the same rows; in a multi-task run, the task it
/// belongs to. Disposing it frees them all.
/// </summary>
public sealed class Batch : IDisposable
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";
    public const string Labels = "labels";

    private readonly Dictionary<string, Tensor> tensors;

    public Batch(IReadOnlyDictionary<string, Tensor> tensors, int size, IReadOnlyList<AdaptorOutput>? teachers = null, IReadOnlyList<string>? featureIds = null,
        string? task = null)
    {
        this.tensors = new Dictionary<string, Tensor>(tensors);
        Size = size;
        Teachers = teachers ?? [];
        FeatureIds = featureIds ?? [];
        Task = task;
    }

    /// <summary>Rows in the batch.</summary>
    public int Size { get; }

    /// <summary>The cached teachers' outputs for these rows, padded like the inputs, in the run's teacher order; empty when the teacher runs online.</summary>
    public IReadOnlyList<AdaptorOutput> Teachers { get; }

    /// <summary>The task whose data these rows are (a multi-task run's task name); null in a single-task run.</summary>
    public string? Task { get; }

    /// <summary>The features' ids, in row order (for messages and joins).</summary>
    public IReadOnlyList<string> FeatureIds { get; }

    public IReadOnlyCollection<string> Names => tensors.Keys;

    public Tensor this[string name] => tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"the batch has no tensor \"{name}\"; it has: {string.Join(", ", tensors.Keys)}");

    public Tensor? TryGet(string name) => tensors.GetValueOrDefault(name);

    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
        foreach (var teacher in Teachers)
        {
            foreach (var t in new[] { teacher.Logits, teacher.LogitsMask, teacher.InputMask, teacher.TopK?.Values, teacher.TopK?.Indices, teacher.TopK?.LogSumExp }
                         .Concat(teacher.Hidden?.Values ?? []).Concat(teacher.Attention?.Values ?? []))
            {
                t?.Dispose();
            }
        }
    }
}
