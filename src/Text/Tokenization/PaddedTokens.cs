namespace Distill.Tokenization;

/// <summary>
/// Tokenized texts padded to the longest one, as row-major (<see cref="Size"/> × <see cref="Length"/>) int64 arrays:
/// ids (padding with the pad id), attention mask (1 on real tokens) and token types.
/// </summary>
internal sealed class PaddedTokens
{
    private PaddedTokens(long[] ids, long[] mask, long[] types, int size, int length)
    {
        Ids = ids;
        Mask = mask;
        Types = types;
        Size = size;
        Length = length;
    }

    public long[] Ids { get; }
    public long[] Mask { get; }
    public long[] Types { get; }
    public int Size { get; }
    public int Length { get; }

    public static PaddedTokens Pad(IReadOnlyList<TokenizedText> texts, int padId)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfZero(texts.Count);
        var length = texts.Max(t => t.Length);
        var ids = new long[texts.Count * length];
        var mask = new long[ids.Length];
        var types = new long[ids.Length];
        Array.Fill(ids, padId);
        for (var row = 0; row < texts.Count; row++)
        {
            var text = texts[row];
            for (var i = 0; i < text.Length; i++)
            {
                ids[row * length + i] = text.Ids[i];
                mask[row * length + i] = 1;
                types[row * length + i] = text.TypeIds[i];
            }
        }
        return new PaddedTokens(ids, mask, types, texts.Count, length);
    }
}
