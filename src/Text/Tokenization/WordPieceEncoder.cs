using Microsoft.ML.Tokenizers;
using Distill.Errors;

namespace Distill.Tokenization;

/// <summary>
/// BERT WordPiece tokenization from a <c>vocab.txt</c>: BERT's basic tokenization (<see cref="BertPreTokenizer"/>),
/// then Microsoft.ML.Tokenizers' <see cref="WordPieceTokenizer"/> per word. Gives ids, token types and each
/// token's character range in the original text.
/// </summary>
public sealed class WordPieceEncoder : ITextTokenizer
{
    private readonly WordPieceTokenizer wordPiece;
    private readonly bool lowerCase;
    private readonly bool stripAccents;

    private WordPieceEncoder(WordPieceTokenizer wordPiece, bool lowerCase, bool stripAccents, int clsId, int sepId, int padId, int vocabSize)
    {
        VocabSize = vocabSize;
        this.wordPiece = wordPiece;
        this.lowerCase = lowerCase;
        this.stripAccents = stripAccents;
        ClsId = clsId;
        SepId = sepId;
        PadId = padId;
    }

    /// <summary>The token of a word that has no split into vocabulary pieces.</summary>
    public const string UnknownToken = "[UNK]";

    /// <summary>What starts every piece that continues a word.</summary>
    public const string ContinuingSubwordPrefix = "##";

    /// <summary>Longer words become <see cref="UnknownToken"/> whole (BERT's and Hugging Face's limit).</summary>
    public const int MaxInputCharsPerWord = 100;

    /// <param name="vocabPath">the vocab.txt (checked by <see cref="VocabularyFile.Read"/>)</param>
    /// <param name="options">normalization</param>
    /// <param name="vocabSize">the model's vocab_size, which the file must not exceed; null skips that check</param>
    public static WordPieceEncoder FromVocabFile(string vocabPath, WordPieceOptions? options = null, int? vocabSize = null)
    {
        options ??= new WordPieceOptions();
        var tokens = VocabularyFile.Read(vocabPath, vocabSize);
        var ids = new Dictionary<string, int>();
        for (var id = 0; id < tokens.Length; id++) ids[tokens[id]] = id;
        int Special(string token) => ids.TryGetValue(token, out var id)
            ? id
            : throw new ConfigException($"{vocabPath}: the vocabulary has no {token} token, which BERT inputs need");
        var wordPiece = WordPieceTokenizer.Create(vocabPath, new Microsoft.ML.Tokenizers.WordPieceOptions
        {
            UnknownToken = UnknownToken,
            ContinuingSubwordPrefix = ContinuingSubwordPrefix,
            MaxInputCharsPerWord = MaxInputCharsPerWord,
        });
        return new WordPieceEncoder(wordPiece, options.LowerCase, options.StripsAccents,
            Special("[CLS]"), Special("[SEP]"), Special("[PAD]"), tokens.Length);
    }

    /// <summary>The id of <c>[CLS]</c>, which starts every encoded text.</summary>
    public int ClsId { get; }
    /// <summary>The id of <c>[SEP]</c>, which ends each segment.</summary>
    public int SepId { get; }
    /// <summary>The id of <c>[PAD]</c>, which fills a batch's shorter rows (masked out by the attention mask).</summary>
    public int PadId { get; }

    /// <inheritdoc/>
    public SpecialTokenIds Specials => new(PadId, ClsId, SepId);

    /// <summary>Lines of <c>vocab.txt</c>, as <c>vocab_size</c> counts them.</summary>
    public int VocabSize { get; }

    /// <summary>Whether text is lower-cased before it is split (the model's <c>do_lower_case</c>).</summary>
    public bool LowerCase => lowerCase;

    /// <summary>
    /// Encodes one text, or a pair, as <c>[CLS] a [SEP]</c> or <c>[CLS] a [SEP] b [SEP]</c>. When the result would
    /// exceed <paramref name="maxLength"/>, tokens are dropped from the end of the longer segment first
    /// (Hugging Face's <c>longest_first</c>) and <see cref="TokenizedText.Truncated"/> is set.
    /// </summary>
    public TokenizedText Encode(string text, string? pair = null, int maxLength = 512)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TokenLayout.Encode(Tokenize(text), pair is null ? null : Tokenize(pair), maxLength, Specials);
    }

    /// <summary>Lays out already tokenized segments as <c>[CLS] a [SEP] (b [SEP])</c>; nothing is truncated here.</summary>
    public TokenizedText Assemble(IReadOnlyList<WordPieceToken> first, IReadOnlyList<WordPieceToken>? second, bool truncated = false) =>
        TokenLayout.Assemble(first, second, truncated, Specials);

    /// <summary>The words of one text after BERT's basic tokenization (normalized as this encoder normalizes), before WordPiece.</summary>
    public IEnumerable<string> Words(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return BertPreTokenizer.Split(text, lowerCase, stripAccents).Select(word => word.Text);
    }

    /// <summary>Word pieces of one text, without special tokens, with character ranges in that text.</summary>
    public IReadOnlyList<WordPieceToken> Tokenize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var result = new List<WordPieceToken>();
        foreach (var word in BertPreTokenizer.Split(text, lowerCase, stripAccents))
        {
            var pieces = wordPiece.EncodeToTokens(word.Text, out _, considerPreTokenization: false, considerNormalization: false);
            foreach (var piece in pieces)
            {
                var (start, length) = piece.Offset.GetOffsetAndLength(word.Text.Length);
                result.Add(new WordPieceToken(piece.Id, word.Origins[start].Start, word.Origins[start + length - 1].End));
            }
        }
        return result;
    }
}
