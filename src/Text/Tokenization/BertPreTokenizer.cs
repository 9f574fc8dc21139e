using System.Globalization;
using System.Text;

namespace Distill.Tokenization;

/// <summary>One word before WordPiece: its normalized text and, per normalized char, the original char range.</summary>
internal readonly record struct PreToken(string Text, (int Start, int End)[] Origins);

/// <summary>
/// BERT's basic tokenization, as Hugging Face's <c>BasicTokenizer</c> does it: drop NUL, U+FFFD and control
/// characters; treat tabs, newlines and space separators as spaces; lower-case and strip accents (NFD, drop Mn);
/// make each CJK ideograph and each punctuation character a word of its own. Every normalized char keeps the
/// range of the original code point it came from, so token offsets are exact.
/// </summary>
/// <remarks>
/// Microsoft.ML.Tokenizers' BertTokenizer (2.0.1) was measured to differ from Hugging Face here: it drops
/// newlines and tabs (joining the words around them), and drops symbols such as $ + = € © and emoji instead of
/// keeping them as tokens or [UNK]. We therefore split words ourselves and use its WordPieceTokenizer per word.
/// </remarks>
internal static class BertPreTokenizer
{
    public static List<PreToken> Split(string text, bool lowerCase, bool stripAccents)
    {
        var words = new List<PreToken>();
        var current = new StringBuilder();
        var origins = new List<(int, int)>();

        void Flush()
        {
            if (current.Length == 0) return;
            words.Add(new PreToken(current.ToString(), origins.ToArray()));
            current.Clear();
            origins.Clear();
        }

        for (var i = 0; i < text.Length;)
        {
            Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var width);
            var origin = (i, i + width);
            i += width;

            if (rune.Value is 0 or 0xFFFD || IsControl(rune)) continue;
            if (IsWhitespace(rune))
            {
                Flush();
                continue;
            }
            if (IsCjk(rune.Value))
            {
                Flush();
                words.Add(new PreToken(rune.ToString(), [origin]));
                continue;
            }

            var normalized = Normalize(rune, lowerCase, stripAccents);
            foreach (var c in normalized)
            {
                if (IsPunctuation(c))
                {
                    Flush();
                    words.Add(new PreToken(c.ToString(), [origin]));
                }
                else
                {
                    current.Append(c);
                    origins.Add(origin);
                }
            }
        }
        Flush();
        return words;
    }

    private static string Normalize(Rune rune, bool lowerCase, bool stripAccents)
    {
        if (rune.IsAscii)
        {
            return lowerCase ? ((char)Rune.ToLowerInvariant(rune).Value).ToString() : ((char)rune.Value).ToString();
        }
        var text = (lowerCase ? Rune.ToLowerInvariant(rune) : rune).ToString();
        if (!stripAccents) return text;
        var decomposed = text.Normalize(NormalizationForm.FormD);
        var kept = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark) kept.Append(c);
        }
        return kept.ToString();
    }

    private static bool IsWhitespace(Rune rune) =>
        rune.Value is ' ' or '\t' or '\n' or '\r' || Rune.GetUnicodeCategory(rune) == UnicodeCategory.SpaceSeparator;

    // Tab, newline and carriage return are control characters that BERT counts as whitespace (checked first).
    private static bool IsControl(Rune rune) => Rune.GetUnicodeCategory(rune) is
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate
        or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
        && rune.Value is not ('\t' or '\n' or '\r');

    // BERT treats every non-alphanumeric printable ASCII character as punctuation, plus Unicode's P* categories.
    private static bool IsPunctuation(char c) =>
        c is (>= (char)33 and <= (char)47) or (>= (char)58 and <= (char)64) or (>= (char)91 and <= (char)96) or (>= (char)123 and <= (char)126)
        || CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DashPunctuation
            or UnicodeCategory.OpenPunctuation or UnicodeCategory.ClosePunctuation or UnicodeCategory.InitialQuotePunctuation
            or UnicodeCategory.FinalQuotePunctuation or UnicodeCategory.OtherPunctuation;

    // The CJK Unified Ideographs blocks that BERT splits per character (not Hangul, Hiragana or Katakana).
    private static bool IsCjk(int cp) =>
        cp is (>= 0x4E00 and <= 0x9FFF) or (>= 0x3400 and <= 0x4DBF) or (>= 0x20000 and <= 0x2A6DF)
            or (>= 0x2A700 and <= 0x2B73F) or (>= 0x2B740 and <= 0x2B81F) or (>= 0x2B820 and <= 0x2CEAF)
            or (>= 0xF900 and <= 0xFAFF) or (>= 0x2F800 and <= 0x2FA1F);
}
