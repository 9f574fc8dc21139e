using Distill.Cache;
using Distill.DistillStudent.Adaptors;
using Distill.Models;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Feeds;

/// <summary>
/// Builds a batch's teacher outputs from cached rows: padded to the batch's length as the student's inputs are,
/// logits in their KD form (<see cref="KdLogits"/>), hidden states and attentions of the asked layers only.
/// </summary>
public static class TeacherTensors
{
    /// <param name="rows">the cached rows, in batch order</param>
    /// <param name="spec">the cache's spec</param>
    /// <param name="kind">the task</param>
    /// <param name="hiddenLayers">hidden layers the distiller reads (each must be in the spec)</param>
    /// <param name="attentionLayers">attention layers the distiller reads</param>
    public static AdaptorOutput Build(IReadOnlyList<CacheRow> rows, CacheSpec spec, TaskKind kind, IReadOnlyList<int> hiddenLayers, IReadOnlyList<int> attentionLayers)
    {
        var b = rows.Count;
        var t = rows.Max(r => r.Length);
        var mask = new long[b * t];
        for (var r = 0; r < b; r++) Array.Fill(mask, 1L, r * t, rows[r].Length);
        var maskTensor = tensor(mask, [b, t]);

        Tensor? logits = null;
        TopKTensors? topK = null;
        if (spec.TopK is { } k)
        {
            var positions = spec.TokenLevelLogits ? t : 1;
            var values = new float[b * positions * k];
            var indices = new long[b * positions * k];
            var lse = new float[b * positions];
            for (var r = 0; r < b; r++)
            {
                var row = rows[r].TopK!;
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
            var positions = spec.TokenLevelLogits ? t : 1;
            var values = new float[b * positions * width];
            for (var r = 0; r < b; r++) rows[r].Logits.CopyTo(values, r * positions * width);
            logits = KdLogits.Of(kind, tensor(values, spec.TokenLevelLogits ? [b, t, width] : [b, width]), maskTensor);
        }

        var hidden = hiddenLayers.ToDictionary(l => l, l => Padded(rows, IndexOf(spec.HiddenLayers, l, "hidden"), r => r.Hidden, t, [spec.HiddenSize], (row, length) => [length, spec.HiddenSize]));
        var attention = attentionLayers.ToDictionary(l => l, l => Padded(rows, IndexOf(spec.AttentionLayers, l, "attention"), r => r.Attentions, t, [spec.NumHeads, t, t], (row, length) => [spec.NumHeads, length, length]));
        return new AdaptorOutput(Logits: logits, LogitsMask: KdLogits.Mask(kind, maskTensor), Hidden: hidden, Attention: attention, InputMask: maskTensor) { TopK = topK };
    }

    private static int IndexOf(IReadOnlyList<int> layers, int layer, string what)
    {
        for (var i = 0; i < layers.Count; i++) if (layers[i] == layer) return i;
        throw new CacheFormatException($"the cache holds no {what} layer {layer}; it holds [{string.Join(", ", layers)}]");
    }

    /// <summary>Each row's values copied into a zero tensor of the batch's padded shape.</summary>
    private static Tensor Padded(IReadOnlyList<CacheRow> rows, int index, Func<CacheRow, IReadOnlyList<float[]>> select, int t,
        long[] paddedRowShape, Func<CacheRow, int, long[]> rowShape)
    {
        var batch = zeros([rows.Count, .. (paddedRowShape.Length == 1 ? new long[] { t, paddedRowShape[0] } : paddedRowShape)]);
        for (var r = 0; r < rows.Count; r++)
        {
            var shape = rowShape(rows[r], rows[r].Length);
            using var values = tensor(select(rows[r])[index], shape);
            using var target = shape.Length == 2 ? batch[r, ..(int)shape[0]] : batch[r, .., ..(int)shape[1], ..(int)shape[2]];
            target.copy_(values);
        }
        return batch;
    }
}
