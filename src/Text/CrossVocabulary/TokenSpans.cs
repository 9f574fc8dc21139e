using Distill.Tokenization;

namespace Distill.CrossVocabulary;

/// <summary>
/// One side's tokens as <see cref="TokenAlignment"/> reads them: each token's character range in the text of its
/// segment and the segment (-1 for special tokens, 0 for the first text, 1 for the second).
/// </summary>
internal sealed class TokenSpans
{
    private readonly int[] offsets;

    /// <param name="offsets">two per token, start and end, as the cache stores them</param>
    /// <param name="segments">one per token</param>
    public TokenSpans(int[] offsets, int[] segments)
    {
        if (offsets.Length != 2 * segments.Length)
        {
            throw new ArgumentException($"offsets hold two values per token: {segments.Length} tokens need {2 * segments.Length}, found {offsets.Length}");
        }
        this.offsets = offsets;
        Segments = segments;
    }

    /// <summary>A tokenized text's spans.</summary>
    public static TokenSpans Of(TokenizedText text) =>
        new(text.Offsets.SelectMany(o => new[] { o.Start, o.End }).ToArray(), text.Segments);

    public int Count => Segments.Length;

    public int[] Segments { get; }

    public (int Start, int End) Range(int token) => (offsets[2 * token], offsets[2 * token + 1]);
}
