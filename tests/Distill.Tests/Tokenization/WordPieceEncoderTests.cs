using Distill.Tests.Support;
using Distill.Tokenization;

namespace Distill.Tests.Tokenization;

/// <summary>Against the real all-MiniLM-L6-v2 (uncased BERT) vocabulary.</summary>
public sealed class WordPieceEncoderTests
{
    private static readonly Lazy<WordPieceEncoder> Encoder = new(() => WordPieceEncoder.FromVocabFile(TestAssets.MiniLmVocab));
    private static readonly Lazy<string[]> Vocab = new(() => File.ReadAllLines(TestAssets.MiniLmVocab));

    private static int IdOf(string piece) => Array.IndexOf(Vocab.Value, piece);

    private static string[] Surfaces(string text, TokenizedText encoded) =>
        encoded.Offsets.Skip(1).SkipLast(1).Select(o => text[o.Start..o.End]).ToArray();

    [SkippableFact]
    public void Encode_ReferenceSentence_GivesTheMiniLmIds()
    {
        TestAssets.RequireMiniLm();

        var encoded = Encoder.Value.Encode("A man is playing a guitar.");

        Assert.Equal([101, 1037, 2158, 2003, 2652, 1037, 2858, 1012, 102], encoded.Ids);
        Assert.Equal(["A", "man", "is", "playing", "a", "guitar", "."], Surfaces("A man is playing a guitar.", encoded));
        Assert.All(encoded.TypeIds, t => Assert.Equal(0, t));
        Assert.Equal((0, 0), encoded.Offsets[0]);
        Assert.False(encoded.Truncated);
    }

    [SkippableFact]
    public void Encode_Accents_StrippedAndOffsetsPointAtTheOriginal()
    {
        TestAssets.RequireMiniLm();
        const string text = "Héllo wörld";

        var encoded = Encoder.Value.Encode(text);

        Assert.Equal(7592, encoded.Ids[1]); // "hello"
        Assert.Equal(2088, encoded.Ids[2]); // "world"
        Assert.Equal(["Héllo", "wörld"], Surfaces(text, encoded));
    }

    [SkippableFact]
    public void Encode_DecomposedAccent_SameIdsAndOffsetsSpanTheCombiningMark()
    {
        TestAssets.RequireMiniLm();
        const string text = "He\u0301llo!"; // 'e' followed by a combining acute accent: 7 chars

        var encoded = Encoder.Value.Encode(text);

        Assert.Equal([101, 7592, 999, 102], encoded.Ids);
        Assert.Equal([(0, 0), (0, 6), (6, 7), (0, 0)], encoded.Offsets);
    }

    [SkippableFact]
    public void Encode_Punctuation_SplitsLikeBert()
    {
        TestAssets.RequireMiniLm();
        const string text = "Don't, stop!";

        var encoded = Encoder.Value.Encode(text);

        Assert.Equal([101, 2123, 1005, 1056, 1010, 2644, 999, 102], encoded.Ids);
        Assert.Equal(["Don", "'", "t", ",", "stop", "!"], Surfaces(text, encoded));
    }

    [SkippableFact]
    public void Encode_UnknownWords_WordPiecesAndUnk()
    {
        TestAssets.RequireMiniLm();
        const string text = "Xyzzyqwerty 🤖";

        var encoded = Encoder.Value.Encode(text);
        var pieces = encoded.Ids.Skip(1).SkipLast(1).Select(id => Vocab.Value[id]).ToArray();

        // The made-up word becomes several pieces, each but the first marked "##", that spell it out.
        var wordPieces = pieces[..^1];
        Assert.True(wordPieces.Length > 1);
        Assert.All(wordPieces.Skip(1), p => Assert.StartsWith("##", p));
        Assert.Equal("xyzzyqwerty", string.Concat(wordPieces.Select(p => p.Replace("##", ""))));
        Assert.Equal(0, encoded.Offsets[1].Start);
        Assert.Equal(11, encoded.Offsets[wordPieces.Length].End);
        // The emoji is not in the vocabulary: one [UNK] covering both UTF-16 code units.
        Assert.Equal(100, encoded.Ids[^2]);
        Assert.Equal((12, 14), encoded.Offsets[^2]);
    }

    [SkippableFact]
    public void Encode_ChineseCharacters_OneTokenEachWithOwnOffsets()
    {
        TestAssets.RequireMiniLm();
        const string text = "我爱中国ok"; // 爱 is not in the vocabulary

        var encoded = Encoder.Value.Encode(text);

        int[] expected = [101, IdOf("我"), 100, IdOf("中"), IdOf("国"), IdOf("ok"), 102];
        Assert.DoesNotContain(-1, expected);
        Assert.Equal(-1, IdOf("爱"));
        Assert.Equal(expected, encoded.Ids);
        Assert.Equal(["我", "爱", "中", "国", "ok"], Surfaces(text, encoded));
    }

    [SkippableFact]
    public void Encode_Pair_TokenTypesAndSegmentOffsets()
    {
        TestAssets.RequireMiniLm();

        var encoded = Encoder.Value.Encode("A man.", "He plays.");

        Assert.Equal([101, 1037, 2158, 1012, 102, 2002, 3248, 1012, 102], encoded.Ids);
        Assert.Equal([0, 0, 0, 0, 0, 1, 1, 1, 1], encoded.TypeIds);
        Assert.Equal([-1, 0, 0, 0, -1, 1, 1, 1, -1], encoded.Segments);
        Assert.Equal((3, 8), encoded.Offsets[6]); // "plays" in the second text
    }

    [SkippableFact]
    public void Encode_TooLong_TruncatesLongestSegmentFirstAndSaysSo()
    {
        TestAssets.RequireMiniLm();

        var encoded = Encoder.Value.Encode("one two three four five six", "seven eight", maxLength: 8);

        Assert.True(encoded.Truncated);
        Assert.Equal(8, encoded.Length);
        // 5 tokens of budget: 3 from the longer first text, both of the second.
        Assert.Equal([-1, 0, 0, 0, -1, 1, 1, -1], encoded.Segments);
    }

    [SkippableFact]
    public void Encode_TabsAndNewlines_SeparateWords()
    {
        TestAssets.RequireMiniLm();
        const string text = "first\nsecond\tthird";

        var encoded = Encoder.Value.Encode(text);

        Assert.Equal([101, IdOf("first"), IdOf("second"), IdOf("third"), 102], encoded.Ids);
        Assert.Equal(["first", "second", "third"], Surfaces(text, encoded));
    }

    [SkippableFact]
    public void Encode_Symbols_KeptAsTokens()
    {
        TestAssets.RequireMiniLm();
        const string text = "$5 + 3 = 8 €";

        var encoded = Encoder.Value.Encode(text);

        Assert.Equal([101, 1002, 1019, 1009, 1017, 1027, 1022, IdOf("€"), 102], encoded.Ids);
        Assert.Equal(["$", "5", "+", "3", "=", "8", "€"], Surfaces(text, encoded));
    }

    [SkippableFact]
    public void Encode_NulAndFormatCharacters_DroppedInsideTheWord()
    {
        TestAssets.RequireMiniLm();
        const string text = "tab here\u0000null\u00ADsoft";

        var encoded = Encoder.Value.Encode(text);
        var pieces = encoded.Ids[2..^1].Select(id => Vocab.Value[id].Replace("##", ""));

        // As in Hugging Face: NUL and the soft hyphen (a format character) vanish, joining one word.
        Assert.Equal("herenullsoft", string.Concat(pieces));
        Assert.Equal(4, encoded.Offsets[2].Start);
        Assert.Equal(text.Length, encoded.Offsets[^2].End);
    }
}
