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
    /// <summary>The token ids, (B, T) int64, padded with the tokenizer's padding id.</summary>
    public const string InputIds = "input_ids";
    /// <summary>1 for real tokens and 0 for padding, (B, T).</summary>
    public const string AttentionMask = "attention_mask";
    /// <summary>Segment ids of text pairs, (B, T); absent or zeros for single texts.</summary>
    public const string TokenTypeIds = "token_type_ids";
    /// <summary>The labels the student's adaptor computes its hard-label loss from, e.g. (B) class ids for classification.</summary>
    public const string Labels = "labels";

    private readonly Dictionary<string, Tensor> tensors;

    /// <summary>A batch over <paramref name="tensors"/>, which it owns from now on (disposing the batch disposes them).</summary>
    /// <param name="tensors">named tensors, at least <see cref="InputIds"/> for the built-in adaptors</param>
    /// <param name="size">rows (B)</param>
    /// <param name="teachers">cached teachers' outputs for the same rows; null when the teacher runs online</param>
    /// <param name="featureIds">the rows' feature ids, for messages and joins</param>
    /// <param name="task">a multi-task run's task name</param>
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

    /// <summary>The names of the batch's tensors.</summary>
    public IReadOnlyCollection<string> Names => tensors.Keys;

    /// <summary>The tensor <paramref name="name"/>; a KeyNotFoundException listing the names there are otherwise.</summary>
    public Tensor this[string name] => tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"the batch has no tensor \"{name}\"; it has: {string.Join(", ", tensors.Keys)}");

    /// <summary>The tensor <paramref name="name"/>, or null when the batch has none.</summary>
    public Tensor? TryGet(string name) => tensors.GetValueOrDefault(name);

    /// <summary>Disposes every tensor of the batch, the cached teachers' included.</summary>
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
