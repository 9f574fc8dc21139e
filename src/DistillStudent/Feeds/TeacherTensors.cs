using System.Buffers;
using System.Runtime.InteropServices;
using Distill.Cache;
using Distill.CrossVocabulary;
using Distill.DistillStudent.Adaptors;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Tasks;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// Builds a batch's teacher outputs from cached rows: padded to the batch's length as the student's inputs are,
/// logits in their KD form (<see cref="KdLogits"/>), hidden states and attentions of the layers read. Tensors stay
/// in the cache's dtype until here, where they are decoded once, straight into the batch's padded layout.
/// For a student with its own vocabulary the token-level outputs (hidden states, tagging logits) are laid out on
/// the student's tokens instead: each student token's row is the weighted mean of the teacher rows its
/// <see cref="TokenAlignment"/> takes, and <see cref="AdaptorOutput.AlignedMask"/> says which student tokens took any.
/// A QA student with its own vocabulary takes each row's outputs from all the teacher windows of its example
/// (<see cref="QaWindowJoin"/>): hidden states as the mean of the tokens taken, start and end logits by the join's span rule.
/// </summary>
internal static class TeacherTensors
{
    /// <param name="rows">the cached rows, in batch order, read with <paramref name="columns"/></param>
    /// <param name="spec">the cache's spec</param>
    /// <param name="columns">the resolved columns the rows hold: <c>Hidden[i]</c> is layer <c>HiddenLayers[i]</c></param>
    /// <param name="kind">the task</param>
    /// <param name="alignments">per row, the student's tokens aligned to the row's (a student with its own vocabulary), or null when they are the row's own</param>
    public static AdaptorOutput Build(IReadOnlyList<CacheReadRow> rows, CacheSpec spec, CacheColumns columns, TaskKind kind, IReadOnlyList<TokenAlignment>? alignments = null) =>
        Build(rows.Select((row, r) => new Source([row], alignments?[r], null)).ToList(), spec, columns, kind);

    /// <param name="windows">per student QA window, the teacher windows of its example, read with <paramref name="columns"/>, in the order its join counts them</param>
    /// <param name="joins">per student QA window, its join to those windows</param>
    /// <param name="spec">the cache's spec</param>
    /// <param name="columns">the resolved columns the rows hold</param>
    public static AdaptorOutput Build(IReadOnlyList<IReadOnlyList<CacheReadRow>> windows, IReadOnlyList<QaWindowJoin> joins, CacheSpec spec, CacheColumns columns) =>
        Build(windows.Select((rows, r) => new Source(rows, joins[r].Tokens, joins[r])).ToList(), spec, columns, TaskKind.Qa);

    /// <summary>One batch row's teacher rows (one, or a QA example's windows) and how its tokens map to the student's (null: they are the student's).</summary>
    private sealed record Source(IReadOnlyList<CacheReadRow> Rows, TokenAlignment? Tokens, QaWindowJoin? Join)
    {
        public int Length => Tokens?.StudentLength ?? Rows[0].Length;

        /// <summary>A per-token column of the rows laid end to end, as the alignment counts them.</summary>
        public float[] Concat(Func<CacheReadRow, float[]> column) => Rows.Count == 1 ? column(Rows[0]) : [.. Rows.SelectMany(column)];
    }

    private static AdaptorOutput Build(IReadOnlyList<Source> sources, CacheSpec spec, CacheColumns columns, TaskKind kind)
    {
        var b = sources.Count;
        var aligned = sources.Any(s => s.Tokens is not null);
        var t = sources.Max(s => s.Length);
        var mask = new long[b * t];
        for (var r = 0; r < b; r++)
        {
            if (sources[r].Tokens is not { } alignment) Array.Fill(mask, 1L, r * t, sources[r].Length);
            else for (var i = 0; i < alignment.StudentLength; i++) mask[r * t + i] = alignment.IsAligned(i) ? 1 : 0;
        }
        var maskTensor = tensor(mask, [b, t]);

        Tensor? logits = null;
        TopKTensors? topK = null;
        var positions = spec.TokenLevelLogits ? t : 1;
        if (spec.TopK is { } k)
        {
            var values = new float[b * positions * k];
            var indices = new long[b * positions * k];
            var lse = new float[b * positions];
            if (sources.Any(s => s.Rows.Count > 1)) throw new InvalidOperationException("top-k logits do not carry over a QA window join (CacheChecks refuses them)");
            for (var r = 0; r < b; r++)
            {
                var row = sources[r].Rows[0].TopK!;
                row.Values.CopyTo(values, r * positions * k);
                for (var i = 0; i < row.Indices.Length; i++) indices[r * positions * k + i] = row.Indices[i];
                row.LogSumExp.CopyTo(lse, r * positions);
            }
            long[] shape = spec.TokenLevelLogits ? [b, t, k] : [b, k];
            topK = new TopKTensors(tensor(values, shape), tensor(indices, shape), tensor(lse, spec.TokenLevelLogits ? [b, t] : [b]));
        }
        else
        {
            var width = spec.LogitWidth;
            var values = new float[b * positions * width];
            for (var r = 0; r < b; r++)
            {
                var into = values.AsSpan(r * positions * width, positions * width);
                if (sources[r].Join is { } join) join.ApplySpanLogits(sources[r].Concat(row => row.Logits), into);
                else Place(sources[r].Rows[0].Logits, into, width, spec.TokenLevelLogits ? sources[r].Tokens : null);
            }
            logits = KdLogits.Of(kind, tensor(values, spec.TokenLevelLogits ? [b, t, width] : [b, width]), maskTensor);
        }

        var hiddenLayers = columns.HiddenLayers ?? [];
        var attentionLayers = columns.AttentionLayers ?? [];
        var hidden = hiddenLayers.Select((layer, i) => (layer, Hidden(sources, row => row.Hidden[i], t, spec.HiddenSize))).ToDictionary(p => p.layer, p => p.Item2);
        // Query, key and value are per-token like hidden states (and align to a student's own tokens the same way).
        var projections = (columns.ProjectionLayers ?? []).Select((layer, i) => (layer, (
            Hidden(sources, row => row.Projections[3 * i], t, spec.HiddenSize),
            Hidden(sources, row => row.Projections[3 * i + 1], t, spec.HiddenSize),
            Hidden(sources, row => row.Projections[3 * i + 2], t, spec.HiddenSize)))).ToDictionary(p => p.layer, p => p.Item2);
        if (aligned && attentionLayers.Count > 0) throw new InvalidOperationException("attention matches do not carry across vocabularies (CacheChecks refuses them)");
        var attention = attentionLayers.Select((layer, i) => (layer, Attention(sources.Select(s => s.Rows[0]).ToList(), i, t, spec.NumHeads))).ToDictionary(p => p.layer, p => p.Item2);
        return new AdaptorOutput(Logits: logits, LogitsMask: KdLogits.Mask(kind, maskTensor), Hidden: hidden, Attention: attention, InputMask: maskTensor)
        {
            TopK = topK,
            AlignedMask = aligned ? maskTensor : null,
            Projections = projections.Count > 0 ? LayerProjections.Of(projections) : null,
        };
    }

    /// <summary>(B, T, H), each row's T_r × H values of <paramref name="column"/> decoded straight into its place (or aligned to the student's tokens), padding left at zero.</summary>
    private static Tensor Hidden(IReadOnlyList<Source> sources, Func<CacheReadRow, CachedTensor> column, int t, int hiddenSize)
    {
        var result = zeros(sources.Count, t, hiddenSize);
        var values = Floats(result);
        for (var r = 0; r < sources.Count; r++)
        {
            var source = sources[r];
            if (source.Tokens is null) column(source.Rows[0]).DecodeInto(values.Slice(r * t * hiddenSize, source.Length * hiddenSize));
            else Place(source.Concat(row => column(row).ToFloats()), values.Slice(r * t * hiddenSize, t * hiddenSize), hiddenSize, source.Tokens);
        }
        return result;
    }

    /// <summary>A row's per-token values (tokens × width) into its place in the batch: as they are, or aligned to the student's tokens.</summary>
    private static void Place(ReadOnlySpan<float> row, Span<float> into, int width, TokenAlignment? alignment)
    {
        if (alignment is null) row.CopyTo(into);
        else alignment.Apply(row, into, width);
    }

    /// <summary>(B, heads, T, T): each row's (heads, T_r, T_r) probabilities placed in the top-left corner of each head.</summary>
    private static Tensor Attention(IReadOnlyList<CacheReadRow> rows, int index, int t, int heads)
    {
        var result = zeros(rows.Count, heads, t, t);
        var values = Floats(result);
        // One row's probabilities at a time, in a pooled buffer: at 128 tokens a row alone is a large object.
        var row = ArrayPool<float>.Shared.Rent(heads * t * t);
        try
        {
            for (var r = 0; r < rows.Count; r++)
            {
                var length = rows[r].Length;
                rows[r].Attentions[index].DecodeInto(row.AsSpan(0, heads * length * length));
                for (var h = 0; h < heads; h++)
                for (var q = 0; q < length; q++)
                {
                    row.AsSpan((h * length + q) * length, length).CopyTo(values.Slice(((r * heads + h) * t + q) * t, length));
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(row);
        }
        return result;
    }

    /// <summary>
    /// The values of a new float32 CPU tensor, written in place. A managed array built first and handed to
    /// <c>tensor(...)</c> is a few MB per batch and layer, a large object that only a full collection frees: the
    /// feed's memory then grew with the number of batches read.
    /// </summary>
    private static Span<float> Floats(Tensor tensor) => MemoryMarshal.Cast<byte, float>(tensor.bytes);
}
