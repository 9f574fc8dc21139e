using Distill.Batches;
using Distill.DistillStudent.Adaptors;
using Distill.Models;
using Distill.Models.Heads;
using Distill.Tasks;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// One training batch, the one type from the feeds through the adaptors, distillers and trainer: the padded model
/// inputs and labels as named tensors (as Hugging Face batches are dictionaries); when it comes from teacher caches,
/// each teacher's outputs for the same rows; when an online teacher takes inputs of its own, the batch built for it
/// from the same examples; in a multi-task run, the task it belongs to. Disposing it frees them all.
/// </summary>
public sealed class Batch : IDisposable
{
    /// <summary>(B, T) int64 token ids, padded with the tokenizer's pad id.</summary>
    public const string InputIds = "input_ids";

    /// <summary>(B, T) int64: 1 on real tokens, 0 on padding.</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>(B, T) int64 segment ids.</summary>
    public const string TokenTypeIds = "token_type_ids";

    /// <summary>Classification (B); tagging (B, T) padded with the ignore label; QA (B, 2) start and end positions.</summary>
    public const string Labels = "labels";

    private readonly Dictionary<string, Tensor> tensors;
    private readonly IReadOnlyList<Batch?> teacherInputs;

    /// <param name="tensors">the named tensors (model inputs, labels), each with <paramref name="size"/> rows</param>
    /// <param name="size">rows in the batch</param>
    /// <param name="teachers">the cached teachers' outputs for these rows, in the run's teacher order</param>
    /// <param name="featureIds">the features' ids, in row order</param>
    /// <param name="task">the task whose data these rows are, in a multi-task run</param>
    public Batch(IReadOnlyDictionary<string, Tensor> tensors, int size, IReadOnlyList<AdaptorOutput>? teachers = null, IReadOnlyList<string>? featureIds = null,
        string? task = null)
        : this(tensors, size, teachers, featureIds, task, features: null, teacherInputs: null)
    {
    }

    private Batch(IReadOnlyDictionary<string, Tensor> tensors, int size, IReadOnlyList<AdaptorOutput>? teachers, IReadOnlyList<string>? featureIds, string? task,
        IReadOnlyList<TrainingFeature>? features, IReadOnlyList<Batch?>? teacherInputs)
    {
        this.tensors = new Dictionary<string, Tensor>(tensors);
        Size = size;
        Teachers = teachers ?? [];
        FeatureIds = featureIds ?? [];
        Task = task;
        Features = features;
        this.teacherInputs = teacherInputs ?? [];
    }

    /// <summary>Rows in the batch.</summary>
    public int Size { get; }

    /// <summary>The cached teachers' outputs for these rows, padded like the inputs, in the run's teacher order; empty when the teachers run online.</summary>
    public IReadOnlyList<AdaptorOutput> Teachers { get; }

    /// <summary>The task whose data these rows are (a multi-task run's task name); null in a single-task run.</summary>
    public string? Task { get; }

    /// <summary>The features' ids, in row order (for messages and joins).</summary>
    public IReadOnlyList<string> FeatureIds { get; }

    /// <summary>The features the rows were collated from, in row order (what a teacher that takes token arrays, such as an ONNX graph, reads); null for a batch built from tensors.</summary>
    internal IReadOnlyList<TrainingFeature>? Features { get; }

    /// <summary>The names of the batch's tensors.</summary>
    public IReadOnlyCollection<string> Names => tensors.Keys;

    /// <summary>The tensor <paramref name="name"/>; a KeyNotFoundException listing the names there are otherwise.</summary>
    public Tensor this[string name] => tensors.TryGetValue(name, out var t) ? t
        : throw new KeyNotFoundException($"the batch has no tensor \"{name}\"; it has: {string.Join(", ", tensors.Keys)}");

    /// <summary>The tensor <paramref name="name"/>, or null when the batch has none.</summary>
    public Tensor? TryGet(string name) => tensors.GetValueOrDefault(name);

    /// <summary>
    /// What online teacher <paramref name="teacher"/> reads: the batch the feed built for it beside this one from the
    /// same examples, row for row (a teacher with its own tokenizer or max length), or this batch when it takes the
    /// student's inputs.
    /// </summary>
    internal Batch InputsFor(int teacher) => teacher < teacherInputs.Count && teacherInputs[teacher] is { } own ? own : this;

    /// <summary>
    /// The padded inputs and labels of <paramref name="rows"/> (ids padded with <paramref name="padId"/> to the longest row).
    /// </summary>
    /// <param name="rows">the features, in row order</param>
    /// <param name="kind">the task, which shapes the labels</param>
    /// <param name="padId">the tokenizer's padding id</param>
    /// <param name="teachers">the cached teachers' outputs for the rows</param>
    /// <param name="task">the task name of a multi-task run</param>
    /// <param name="teacherInputs">per online teacher, the batch built for it from the same examples, or null where it takes these inputs</param>
    internal static Batch Collate(IReadOnlyList<TrainingFeature> rows, TaskKind kind, int padId, IReadOnlyList<AdaptorOutput>? teachers = null, string? task = null,
        IReadOnlyList<Batch?>? teacherInputs = null)
    {
        var inputs = EncoderInputs.Pad(rows.Select(f => f.Text).ToList(), padId);
        return new Batch(new Dictionary<string, Tensor>
        {
            [InputIds] = inputs.InputIds,
            [AttentionMask] = inputs.AttentionMask,
            [TokenTypeIds] = inputs.TokenTypeIds,
            [Labels] = CollateLabels(rows, kind, inputs.Length),
        }, rows.Count, teachers, rows.Select(r => r.FeatureId).ToList(), task, rows, teacherInputs);
    }

    private static Tensor CollateLabels(IReadOnlyList<TrainingFeature> rows, TaskKind kind, int length)
    {
        if (kind == TaskKind.Tagging)
        {
            var values = new long[rows.Count * length];
            Array.Fill(values, TaskLoss.IgnoreLabel);
            for (var row = 0; row < rows.Count; row++)
            {
                for (var i = 0; i < rows[row].Labels.Length; i++) values[row * length + i] = rows[row].Labels[i];
            }
            return tensor(values, [rows.Count, length]);
        }
        var width = kind == TaskKind.Qa ? 2 : 1;
        var flat = rows.SelectMany(f => f.Labels.Take(width).Select(l => (long)l)).ToArray();
        return kind == TaskKind.Qa ? tensor(flat, [rows.Count, 2]) : tensor(flat);
    }

    /// <summary>Disposes every tensor of the batch, the cached teachers' included.</summary>
    public void Dispose()
    {
        foreach (var t in tensors.Values) t.Dispose();
        foreach (var own in teacherInputs) own?.Dispose();
        foreach (var teacher in Teachers)
        {
            foreach (var t in new[] { teacher.Logits, teacher.LogitsMask, teacher.InputMask, teacher.TopK?.Values, teacher.TopK?.Indices, teacher.TopK?.LogSumExp }
                         .Concat(teacher.Hidden?.Values ?? []).Concat(teacher.Attention?.Values ?? []).Concat(teacher.Projections?.Given ?? []))
            {
                t?.Dispose();
            }
        }
    }
}
