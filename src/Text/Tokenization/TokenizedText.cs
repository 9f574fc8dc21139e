namespace Distill.Tokenization;

/// <summary>
/// Model inputs for one text (or text pair), with [CLS]/[SEP] added.
/// <see cref="Offsets"/> are character ranges in the original text (of segment <see cref="Segments"/>[i]);
/// special tokens have the empty range (0, 0) and segment -1.
/// </summary>
/// <param name="Ids">token ids, [CLS] and [SEP] included</param>
/// <param name="TypeIds">segment ids: 0 for the first text, 1 for the second of a pair</param>
/// <param name="Offsets">each token's character range [Start, End) in its segment's original text</param>
/// <param name="Segments">which text each token comes from (0 or 1; -1 for special tokens)</param>
/// <param name="Truncated">whether tokens were cut to fit the maximum length</param>
public sealed record TokenizedText(int[] Ids, int[] TypeIds, (int Start, int End)[] Offsets, int[] Segments, bool Truncated)
{
    /// <summary>The number of tokens, special tokens included.</summary>
    public int Length => Ids.Length;
}
