
using Distill.Errors;

namespace Distill.Tokenization;

/// <summary>
/// One token per word (BERT's basic split: whitespace, each punctuation mark a word, optional lower-casing and accent
/// stripping), with a vocabulary built from training texts: <c>[PAD]</c>, <c>[UNK]</c>, <c>[CLS]</c>, <c>[SEP]</c>,
/// then the words by falling count (ties in ordinal order). Unknown words become <c>[UNK]</c>. Inputs are laid out as
/// BERT's (<c>[CLS] a [SEP] (b [SEP])</c>) so that the cross-vocabulary alignment pairs its specials with a BERT
/// teacher's.
/// </summary>
public sealed class WordLevelTokenizer : ITextTokenizer
{
    /// <summary>The special tokens, in id order.</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];

    private readonly Dictionary<string, int> ids;
    private readonly bool lowerCase;

    // A vocabulary read from a file is the user's input: its faults are ConfigExceptions (exit 3) naming the file.
    private WordLevelTokenizer(IReadOnlyList<string> words, bool lowerCase, string? path = null)
    {
        var source = path is null ? "" : $"{path}: ";
        Words = words;
        ids = new Dictionary<string, int>(words.Count, StringComparer.Ordinal);
        for (var i = 0; i < words.Count; i++)
        {
            if (!ids.TryAdd(words[i], i)) throw new ConfigException($"{source}the vocabulary holds \"{words[i]}\" twice (ids {ids[words[i]]} and {i})");
        }
        foreach (var special in SpecialTokens)
        {
            if (!ids.ContainsKey(special)) throw new ConfigException($"{source}the vocabulary has no {special} token; expected the first ids to be {string.Join(", ", SpecialTokens)}");
        }
        this.lowerCase = lowerCase;
        Specials = new SpecialTokenIds(ids["[PAD]"], ids["[CLS]"], ids["[SEP]"]);
    }

    /// <summary>Every token, by id.</summary>
    public IReadOnlyList<string> Words { get; }

    /// <inheritdoc/>
    public SpecialTokenIds Specials { get; }

    /// <inheritdoc/>
    public int VocabSize => Words.Count;

    /// <summary>The id of unknown words.</summary>
    public int UnknownId => ids["[UNK]"];

    /// <summary>Builds the vocabulary from <paramref name="texts"/>: the <paramref name="maxSize"/> most frequent words seen at least <paramref name="minCount"/> times.</summary>
    /// <param name="texts">training texts (both texts of a pair count)</param>
    /// <param name="maxSize">the most ids, specials included</param>
    /// <param name="minCount">rarer words stay unknown</param>
    /// <param name="lowerCase">lower-case and strip accents before counting and encoding</param>
    public static WordLevelTokenizer Build(IEnumerable<string> texts, int maxSize = 20000, int minCount = 1, bool lowerCase = true)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSize, SpecialTokens.Count + 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(minCount, 1);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var word in BertPreTokenizer.Split(text, lowerCase, lowerCase))
            {
                counts[word.Text] = counts.GetValueOrDefault(word.Text) + 1;
            }
        }
        var words = counts.Where(kv => kv.Value >= minCount && !SpecialTokens.Contains(kv.Key))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(maxSize - SpecialTokens.Count).Select(kv => kv.Key);
        return new WordLevelTokenizer([.. SpecialTokens, .. words], lowerCase);
    }

    /// <summary>Reads a vocabulary written by <see cref="Save"/>: one token per line, the line number its id.</summary>
    /// <param name="path">the vocabulary file</param>
    /// <param name="lowerCase">whether it was built lower-cased</param>
    public static WordLevelTokenizer Load(string path, bool lowerCase = true)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"vocabulary file {path} does not exist", path);
        return new WordLevelTokenizer(File.ReadAllLines(path), lowerCase, path);
    }

    /// <summary>Writes the vocabulary, one token per line.</summary>
    /// <param name="path">the file</param>
    public void Save(string path) => File.WriteAllLines(path, Words);

    /// <inheritdoc/>
    public TokenizedText Encode(string text, string? pair = null, int maxLength = 512)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TokenLayout.Encode(Tokenize(text), pair is null ? null : Tokenize(pair), maxLength, Specials);
    }

    /// <summary>The words of one text as tokens, without specials, with their character ranges in it.</summary>
    /// <param name="text">the text</param>
    public IReadOnlyList<WordPieceToken> Tokenize(string text) =>
        BertPreTokenizer.Split(text, lowerCase, lowerCase)
            .Select(word => new WordPieceToken(ids.GetValueOrDefault(word.Text, UnknownId), word.Origins[0].Start, word.Origins[^1].End))
            .ToList();

}
