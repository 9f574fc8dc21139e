namespace Distill.Tokenization;

/// <summary>
/// A student's or teacher's tokenizer as the data readers, the cache and the cross-vocabulary alignment need it: text
/// (or a text pair) in, token ids with each token's character range and role out. <see cref="WordPieceEncoder"/> is
/// BERT's; <see cref="WordLevelTokenizer"/> one word per token with a vocabulary built from the data. A student whose
/// tokenizer is not its teacher's joins the teacher's cache by feature id, its token-level targets aligned through
/// both sides' character ranges (<c>Distill.CrossVocabulary.TokenAlignment</c>).
/// </summary>
public interface ITextTokenizer
{
    /// <summary>The ids of the tokens with special roles (padding, start, separator).</summary>
    SpecialTokenIds Specials { get; }

    /// <summary>Number of ids: every id is below it (a model's embedding rows; <c>vocab_size</c> in a config).</summary>
    int VocabSize { get; }

    /// <summary>
    /// Encodes one text, or a pair, with its special tokens. <see cref="TokenizedText.Offsets"/> are character ranges
    /// in the text of each token's segment (<see cref="TokenizedText.Segments"/>: 0 the first text, 1 the second, -1 a
    /// special token with the range (0, 0)). Longer results are cut to <paramref name="maxLength"/> tokens and flagged
    /// <see cref="TokenizedText.Truncated"/>.
    /// </summary>
    /// <param name="text">the first text</param>
    /// <param name="pair">the second text, or null</param>
    /// <param name="maxLength">the most tokens, specials included</param>
    TokenizedText Encode(string text, string? pair = null, int maxLength = 512);
}

/// <summary>The ids of a tokenizer's special tokens, by role.</summary>
/// <param name="Pad">padding, after the last token of a shorter row</param>
/// <param name="Start">the first token of every input (BERT's [CLS])</param>
/// <param name="Separator">the token after each text (BERT's [SEP])</param>
public sealed record SpecialTokenIds(int Pad, int Start, int Separator);
