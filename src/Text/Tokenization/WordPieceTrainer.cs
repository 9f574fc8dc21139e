using System.Text;
using Distill.Errors;

namespace Distill.Tokenization;

/// <summary>
/// Learns a WordPiece vocabulary from text as Hugging Face <c>tokenizers</c>' <c>WordPieceTrainer</c> does (its BPE
/// trainer with the <c>##</c> continuation prefix). The vocabulary, in id order: the special tokens; every character
/// of the words, by code point; the <c>##</c> form of every such character seen after a word's first character, by
/// code point; then one piece per merge. Each merge joins the adjacent pair of pieces that occurs most often (over
/// the distinct words, each weighted by its count) into a new piece (<c>un</c> + <c>##able</c> = <c>unable</c>),
/// until the vocabulary has <see cref="WordPieceTrainerOptions.VocabularySize"/> entries or no pair occurs
/// <see cref="WordPieceTrainerOptions.MinFrequency"/> times. Deterministic: ties between pairs of equal count go to
/// the pair whose left piece has the lower id, then whose right piece has the lower id (Hugging Face's rule over its
/// ids, which for the <c>##</c> characters follow hash order there and code points here).
/// </summary>
/// <remarks>
/// Pairs are chosen by count, as Hugging Face does, not by the original WordPiece likelihood score
/// count(ab) / (count(a)·count(b)): that score prefers pairs whose parts seldom occur apart, which on a few thousand
/// sentences means the pieces of rare words, while the count spends a small vocabulary on the pieces that cover the
/// most tokens, which is what shortens a student's sequences. The result is tokenized like any vocab.txt, greedily
/// longest-match-first (<see cref="WordPieceEncoder"/>), as Hugging Face's <c>WordPiece::from_bpe</c> does.
/// </remarks>
internal static class WordPieceTrainer
{
    /// <summary>BERT's special tokens, in the order Hugging Face's <c>BertWordPieceTokenizer</c> puts them first.</summary>
    public static readonly IReadOnlyList<string> BertSpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    /// <summary>The prefix of a piece that continues a word.</summary>
    public const string ContinuationPrefix = "##";

    /// <summary>Learns from texts, split into words by BERT's basic tokenization normalized as <paramref name="normalization"/> says.</summary>
    public static IReadOnlyList<string> Learn(IEnumerable<string> texts, WordPieceOptions normalization, WordPieceTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(texts);
        ArgumentNullException.ThrowIfNull(normalization);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            foreach (var word in BertPreTokenizer.Split(text, normalization.LowerCase, normalization.StripsAccents))
            {
                counts[word.Text] = counts.GetValueOrDefault(word.Text) + 1;
            }
        }
        return Learn(counts, options);
    }

    /// <summary>
    /// Learns from words already split and normalized, each with its count. Throws a <see cref="ConfigException"/>
    /// when the specials and characters alone exceed <see cref="WordPieceTrainerOptions.VocabularySize"/>.
    /// </summary>
    public static IReadOnlyList<string> Learn(IReadOnlyDictionary<string, long> wordCounts, WordPieceTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(wordCounts);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var vocabulary = new Vocabulary();
        foreach (var special in options.SpecialTokens) vocabulary.Add(special);

        var words = wordCounts.Where(w => w.Value > 0).OrderBy(w => w.Key, StringComparer.Ordinal).ToList();
        var alphabet = Alphabet(words, options.LimitAlphabet);
        foreach (var character in alphabet) vocabulary.Add(character.ToString());
        var continued = words.SelectMany(w => w.Key.EnumerateRunes().Skip(1)).Where(alphabet.Contains).ToHashSet();
        foreach (var character in alphabet.Where(continued.Contains)) vocabulary.Add(ContinuationPrefix + character);
        if (vocabulary.Count > options.VocabularySize)
        {
            throw new ConfigException(
                $"--size {options.VocabularySize} is too small: the {options.SpecialTokens.Count} special tokens and the {alphabet.Count} characters of the data " +
                $"(alone and, {continued.Count} of them, as ## continuations) need {vocabulary.Count} entries; raise --size or set --limit-alphabet");
        }

        var merges = new PairCounts(words.Select(w => Split(w.Key, alphabet, vocabulary)).ToArray(), words.Select(w => w.Value).ToArray());
        var minimum = options.MinFrequency;
        while (vocabulary.Count < options.VocabularySize && merges.TryTakeMostFrequent(out var pair, out var count) && count >= minimum)
        {
            merges.Merge(pair, vocabulary.Add(Join(vocabulary[pair.Left], vocabulary[pair.Right])));
        }
        return vocabulary.Pieces;
    }

    // The right piece continues the left one, so its ## goes: "un" + "##able" = "unable", "##a" + "##ble" = "##able".
    private static string Join(string left, string right) =>
        left + (right.StartsWith(ContinuationPrefix, StringComparison.Ordinal) ? right[ContinuationPrefix.Length..] : right);

    // The characters kept: all of them, or the LimitAlphabet most frequent (ties: the lower code point is kept).
    private static SortedSet<Rune> Alphabet(List<KeyValuePair<string, long>> words, int? limit)
    {
        var frequency = new Dictionary<Rune, long>();
        foreach (var (word, count) in words)
        {
            foreach (var rune in word.EnumerateRunes()) frequency[rune] = frequency.GetValueOrDefault(rune) + count;
        }
        var kept = frequency.OrderByDescending(f => f.Value).ThenBy(f => f.Key).Take(limit ?? frequency.Count).Select(f => f.Key);
        return new SortedSet<Rune>(kept);
    }

    // A word as piece ids: its first character bare, every later one in its ## form (also after a dropped first one,
    // as Hugging Face does); characters outside the alphabet vanish.
    private static int[] Split(string word, SortedSet<Rune> alphabet, Vocabulary vocabulary)
    {
        var ids = new List<int>();
        var first = true;
        foreach (var rune in word.EnumerateRunes())
        {
            if (alphabet.Contains(rune)) ids.Add(vocabulary.IdOf(first ? rune.ToString() : ContinuationPrefix + rune));
            first = false;
        }
        return ids.ToArray();
    }

    private sealed class Vocabulary
    {
        private readonly Dictionary<string, int> ids = new(StringComparer.Ordinal);
        private readonly List<string> pieces = [];

        public int Count => pieces.Count;
        public IReadOnlyList<string> Pieces => pieces;
        public string this[int id] => pieces[id];
        public int IdOf(string piece) => ids[piece];

        // A merge may make a piece that is already there (a + ##bc and ab + ##c); it keeps its first id.
        public int Add(string piece)
        {
            if (ids.TryGetValue(piece, out var id)) return id;
            ids.Add(piece, pieces.Count);
            pieces.Add(piece);
            return pieces.Count - 1;
        }
    }
}
