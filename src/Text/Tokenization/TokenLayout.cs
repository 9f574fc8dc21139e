namespace Distill.Tokenization;

/// <summary>
/// BERT's input layout for any tokenizer: <c>[start] a [sep]</c> or <c>[start] a [sep] b [sep]</c>, cut to a length by
/// dropping tokens from the end of the longer segment first (Hugging Face's <c>longest_first</c>).
/// </summary>
internal static class TokenLayout
{
    /// <summary>Lays out <paramref name="first"/> (and <paramref name="second"/>) cut to <paramref name="maxLength"/> tokens, specials included.</summary>
    public static TokenizedText Encode(IReadOnlyList<WordPieceToken> first, IReadOnlyList<WordPieceToken>? second, int maxLength, SpecialTokenIds specials)
    {
        var specialCount = second is null ? 2 : 3;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, specialCount + 1);
        var budget = maxLength - specialCount;
        var firstCount = first.Count;
        var secondCount = second?.Count ?? 0;
        while (firstCount + secondCount > budget)
        {
            if (firstCount >= secondCount) firstCount--; else secondCount--;
        }
        var truncated = firstCount < first.Count || secondCount < (second?.Count ?? 0);
        return Assemble(first.Take(firstCount).ToList(), second?.Take(secondCount).ToList(), truncated, specials);
    }

    /// <summary>Lays out already cut segments; nothing is truncated here.</summary>
    public static TokenizedText Assemble(IReadOnlyList<WordPieceToken> first, IReadOnlyList<WordPieceToken>? second, bool truncated, SpecialTokenIds specials)
    {
        var length = first.Count + (second?.Count ?? 0) + (second is null ? 2 : 3);
        var ids = new int[length];
        var types = new int[length];
        var offsets = new (int, int)[length];
        var segments = new int[length];
        var at = 0;
        void Special(int id, int type)
        {
            ids[at] = id; types[at] = type; offsets[at] = (0, 0); segments[at] = -1; at++;
        }
        void Copy(IReadOnlyList<WordPieceToken> tokens, int segment)
        {
            foreach (var token in tokens)
            {
                ids[at] = token.Id; types[at] = segment; offsets[at] = (token.Start, token.End); segments[at] = segment; at++;
            }
        }

        Special(specials.Start, 0);
        Copy(first, 0);
        Special(specials.Separator, 0);
        if (second is not null)
        {
            Copy(second, 1);
            Special(specials.Separator, 1);
        }
        return new TokenizedText(ids, types, offsets, segments, truncated);
    }
}
