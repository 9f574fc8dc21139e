namespace Distill.Tokenization;

/// <summary>
/// Model inputs for one text (or text pair), with [CLS]/[SEP] added.
/// <see cref="Offsets"/> are character ranges in the original text (of segment <see cref="Segments"/>[i]);
/// special tokens have the empty range (0, 0) and segment -1.
/// </summary>
public sealed record TokenizedText(int[] Ids, int[] TypeIds, (int Start, int End)[] Offsets, int[] Segments, bool Truncated)
{
    public int Length => Ids.Length;
}
