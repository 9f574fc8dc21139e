using Distill.Onnx;
using Distill.Tokenization;

namespace Distill.Export.Parity;

/// <summary>The built-in inputs <c>export</c> checks parity on: short and long, a sentence pair (token types 1), accents and unknown words.</summary>
internal static class ParityInputs
{
    /// <summary>Long enough to exercise positions far beyond a typical sentence.</summary>
    public const int LongInputTokens = 300;

    public static IReadOnlyList<TokenizedText> BuiltIn(WordPieceEncoder tokenizer, int maxLength)
    {
        var sentences = ParityCheck.DefaultSentences;
        var texts = sentences.Select(s => tokenizer.Encode(s, maxLength: maxLength)).ToList();
        texts.Add(tokenizer.Encode(sentences[0], sentences[1], maxLength));
        texts.Add(tokenizer.Encode(string.Join(" ", Enumerable.Repeat(sentences[1], 30)), maxLength: Math.Min(maxLength, LongInputTokens)));
        return texts;
    }

    /// <summary>Each input alone, then all of them padded into one batch.</summary>
    public static IReadOnlyList<int> BatchSizes(IReadOnlyList<TokenizedText> texts) => [1, texts.Count];
}
