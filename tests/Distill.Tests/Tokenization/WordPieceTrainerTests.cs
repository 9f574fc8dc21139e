using Distill.Models;
using Distill.Tests.Support;
using Distill.Tokenization;
using Distill.Errors;

namespace Distill.Tests.Tokenization;

public sealed class WordPieceTrainerTests
{
    private static readonly string[] Specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    // Ids 0-4 the specials; 5-11 the characters b g h n p s u by code point; 12-15 ##g ##n ##s ##u (the characters
    // seen after a word's first). Words as pieces: hug = h ##u ##g, pug = p ##u ##g, pun = p ##u ##n, bun = b ##u ##n,
    // hugs = h ##u ##g ##s. Pair counts: ##u ##g 10+5+5 = 20, p ##u 5+12 = 17, ##u ##n 12+4 = 16, h ##u 10+5 = 15,
    // ##g ##s 5, b ##u 4. Merges:
    //   1. ##u ##g (20) → ##ug 16: then h ##ug 15, p ##ug 5, p ##u 12, ##u ##n 16, b ##u 4, ##ug ##s 5
    //   2. ##u ##n (16) → ##un 17: then h ##ug 15, p ##ug 5, p ##un 12, b ##un 4, ##ug ##s 5
    //   3. h ##ug (15) → hug 18: then p ##ug 5, p ##un 12, b ##un 4, hug ##s 5
    //   4. p ##un (12) → pun 19
    //   5. p ##ug (5) → pug 20, before hug ##s (5): equal counts, left id 9 < 18
    //   6. hug ##s (5) → hugs 21
    //   7. b ##un (4) → bun 22; no pair is left.
    private static readonly Dictionary<string, long> Words = new() { ["hug"] = 10, ["pug"] = 5, ["pun"] = 12, ["bun"] = 4, ["hugs"] = 5 };

    private static readonly string[] Alphabet = ["b", "g", "h", "n", "p", "s", "u", "##g", "##n", "##s", "##u"];

    private static readonly string[] Merges = ["##ug", "##un", "hug", "pun", "pug", "hugs", "bun"];

    private static IReadOnlyList<string> Learn(IReadOnlyDictionary<string, long> words, int size, int minFrequency = 2, int? limitAlphabet = null) =>
        WordPieceTrainer.Learn(words, new WordPieceTrainerOptions { VocabularySize = size, MinFrequency = minFrequency, LimitAlphabet = limitAlphabet });

    [Fact]
    public void Learn_HandCorpus_SpecialsThenAlphabetThenMergesByCount()
    {
        var vocabulary = Learn(Words, 100);

        Assert.Equal([.. Specials, .. Alphabet, .. Merges], vocabulary);
    }

    [Fact]
    public void Learn_WordsInAnotherOrder_SameVocabulary()
    {
        var reversed = Words.Reverse().ToDictionary();

        Assert.Equal(Learn(Words, 100), Learn(reversed, 100));
    }

    [Fact]
    public void Learn_EqualCounts_LowerLeftIdFirst()
    {
        // a 5, c 6, ##b 7, ##d 8: pairs c ##d and a ##b both once; a (5) < c (6).
        var vocabulary = Learn(new Dictionary<string, long> { ["cd"] = 1, ["ab"] = 1 }, 100, minFrequency: 1);

        Assert.Equal([.. Specials, "a", "b", "c", "d", "##b", "##d", "ab", "cd"], vocabulary);
    }

    [Fact]
    public void Learn_RepeatedPiece_MergesLeftToRight()
    {
        // a ##a ##a ##a: ##a ##a (2) → ##aa, giving a ##aa ##a; then a ##aa and ##aa ##a once each, a (5) < ##aa (7).
        var vocabulary = Learn(new Dictionary<string, long> { ["aaaa"] = 1 }, 100, minFrequency: 1);

        Assert.Equal([.. Specials, "a", "##a", "##aa", "aaa", "aaaa"], vocabulary);
    }

    [Fact]
    public void Learn_SizeLimit_StopsAtTheSize()
    {
        var vocabulary = Learn(Words, 19);

        Assert.Equal([.. Specials, .. Alphabet, "##ug", "##un", "hug"], vocabulary);
    }

    [Fact]
    public void Learn_MinFrequency_LeavesRarerPairsUnmerged()
    {
        var vocabulary = Learn(Words, 100, minFrequency: 5);

        Assert.Equal([.. Specials, .. Alphabet, .. Merges[..^1]], vocabulary);
    }

    [Fact]
    public void Learn_LimitAlphabet_DropsTheRarestCharacter()
    {
        // Character counts: u 36, g 20, p 17, n 16, h 15, s 5, b 4: b goes, bun becomes ##u ##n (so ##u ##n counts
        // 16 as before) and ends as ##un. Ids: g 5 h 6 n 7 p 8 s 9 u 10, ##g 11 ##n 12 ##s 13 ##u 14, ##ug 15,
        // ##un 16, hug 17, pun 18; then p ##ug (8, 15) before hug ##s (17, 13).
        var vocabulary = Learn(Words, 100, limitAlphabet: 6);

        Assert.Equal([.. Specials, .. Alphabet[1..], "##ug", "##un", "hug", "pun", "pug", "hugs"], vocabulary);
    }

    [Fact]
    public void Learn_SizeBelowSpecialsAndAlphabet_ThrowsNamingTheNeed()
    {
        var error = Assert.Throws<ConfigException>(() => Learn(Words, 15));

        Assert.Contains("--size 15 is too small", error.Message);
        Assert.Contains("need 16 entries", error.Message);
    }

    [Fact]
    public void Learn_Texts_EveryTrainingWordTokenizesWithoutUnknown()
    {
        using var dir = new TemporaryDirectory();
        string[] texts = ["Héllo, WORLD! naïve café", "hello world 😀 日本", "Tab\tand new\nline: x+y=z €5"];

        var vocabulary = WordPieceTrainer.Learn(texts, new WordPieceOptions(), new WordPieceTrainerOptions { VocabularySize = 60, MinFrequency = 1 });
        var encoder = WordPieceEncoder.FromVocabFile(dir.Write("vocab.txt", string.Concat(vocabulary.Select(t => t + "\n"))));

        Assert.Equal(60, vocabulary.Count);
        Assert.DoesNotContain("H", vocabulary);
        Assert.DoesNotContain("é", vocabulary);
        Assert.All(texts, text => Assert.DoesNotContain(1, encoder.Tokenize(text).Select(t => t.Id)));
        Assert.Equal([vocabulary.ToList().IndexOf("hello")], encoder.Tokenize("HÉLLO").Select(t => t.Id));
    }

    [Fact]
    public void Learn_CasedTexts_KeepsCaseAndAccents()
    {
        var vocabulary = WordPieceTrainer.Learn(["Héllo héllo"], new WordPieceOptions { LowerCase = false }, new WordPieceTrainerOptions { VocabularySize = 100 });

        Assert.Equal([.. Specials, "H", "h", "l", "o", "é", "##l", "##o", "##é"], vocabulary.Take(13));
    }
}
