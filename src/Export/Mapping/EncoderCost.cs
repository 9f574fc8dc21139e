using System.Globalization;
using Distill.Models;

namespace Distill.Export.Mapping;

/// <summary>
/// Multiply-adds per sequence in a BERT encoder's layers (the projections, the feed-forward and the two attention
/// products; embeddings, LayerNorm, softmax and the head are left out as small), with every layer computed at every
/// position or with the last one at position 0 only (<see cref="FirstTokenLayerExport"/>).
/// </summary>
internal static class EncoderCost
{
    /// <summary>The length the export log states the saving at: the one the README's bench figures use.</summary>
    public const int ReferenceLength = 128;

    /// <summary>A layer at all T positions: T·(4H² + 2HI) for Q, K, V, the output projection and the feed-forward, and 2T²H for scores and context.</summary>
    public static long FullLayer(BertConfig config, long length)
    {
        long h = config.HiddenSize, i = config.IntermediateSize;
        return length * (4 * h * h + 2 * h * i) + 2 * length * length * h;
    }

    /// <summary>
    /// A layer at position 0 only: the query, the key fold (H² in all), the output projection (H²) and the feed-forward
    /// (2HI) once; scores and the weighted sum over T positions per head (2·heads·T·H); the value projection once (H²).
    /// </summary>
    public static long FirstTokenLayer(BertConfig config, long length)
    {
        long h = config.HiddenSize, i = config.IntermediateSize;
        return 4 * h * h + 2 * h * i + 2 * config.NumAttentionHeads * length * h;
    }

    /// <returns>(every layer at every position, the last at position 0 only)</returns>
    public static (long Full, long FirstTokenLast) PerSequence(BertConfig config, long length)
    {
        var full = config.NumHiddenLayers * FullLayer(config, length);
        return (full, full - FullLayer(config, length) + FirstTokenLayer(config, length));
    }

    /// <summary>One line for the export log, e.g. "… 478.2 M → 242.0 M multiply-adds per sequence at 128 tokens (-49.4 %)".</summary>
    public static string Note(BertConfig config, long length)
    {
        var (full, pruned) = PerSequence(config, length);
        return string.Create(CultureInfo.InvariantCulture,
            $"last layer at position 0 only (a classifier's logits read nothing else): encoder {full / 1e6:F1} M → {pruned / 1e6:F1} M multiply-adds per sequence at {length} tokens ({(pruned - full) * 100.0 / full:F1} %)");
    }
}
