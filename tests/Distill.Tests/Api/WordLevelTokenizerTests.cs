using Distill.CrossVocabulary;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Tokenization;
using Distill.Errors;

namespace Distill.Tests.Api;

public sealed class WordLevelTokenizerTests
{
    private static readonly string[] Texts = ["The film was fun.", "the plot was dull", "FUN, fun!"];

    [Fact]
    public void Build_OrdersSpecialsThenWordsByCountThenOrdinal()
    {
        var tokenizer = WordLevelTokenizer.Build(Texts);

        // fun ×3; the, was ×2; then "!", ",", ".", dull, film, plot once each, in ordinal order.
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "fun", "the", "was", "!", ",", ".", "dull", "film", "plot"], tokenizer.Words);
        Assert.Equal(new SpecialTokenIds(0, 2, 3), tokenizer.Specials);
        Assert.Equal(13, tokenizer.VocabSize);
    }

    [Fact]
    public void Build_MinCountAndMaxSize_LeaveRareWordsUnknown()
    {
        var tokenizer = WordLevelTokenizer.Build(Texts, maxSize: 6, minCount: 2);

        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "fun", "the"], tokenizer.Words);
        Assert.Equal([2, 5, 1, 1, 4, 1, 3], tokenizer.Encode("The film was fun.").Ids);
    }

    [Fact]
    public void Encode_Pair_GivesWordRangesSegmentsAndSpecials()
    {
        var tokenizer = WordLevelTokenizer.Build(Texts);

        var text = tokenizer.Encode("Fun film", "the PLOT!");

        Assert.Equal([2, 4, 11, 3, 5, 12, 7, 3], text.Ids);
        Assert.Equal([(0, 0), (0, 3), (4, 8), (0, 0), (0, 3), (4, 8), (8, 9), (0, 0)], text.Offsets);
        Assert.Equal([-1, 0, 0, -1, 1, 1, 1, -1], text.Segments);
        Assert.Equal([0, 0, 0, 0, 1, 1, 1, 1], text.TypeIds);
        Assert.False(text.Truncated);
    }

    [Fact]
    public void Encode_TooLong_CutsTheLongerSegmentFirst()
    {
        var tokenizer = WordLevelTokenizer.Build(Texts);

        var text = tokenizer.Encode("the film was fun", "plot", maxLength: 6);

        Assert.Equal([2, 5, 11, 3, 12, 3], text.Ids);
        Assert.True(text.Truncated);
    }

    [Fact]
    public void Encode_AlignsWithWordPieceByCharacterRanges()
    {
        using var dir = new TemporaryDirectory();
        var vocab = dir.Write("vocab.txt", string.Join("\n", "[PAD]", "[UNK]", "[CLS]", "[SEP]", "the", "fi", "##lm", "was", "fun", "."));
        var pieces = WordPieceEncoder.FromVocabFile(vocab).Encode("The film was fun.");
        var words = WordLevelTokenizer.Build(Texts).Encode("The film was fun.");

        var alignment = TokenAlignment.Build(TokenSpans.Of(pieces), TokenSpans.Of(words));

        // [CLS] the fi ##lm was fun . [SEP] against [CLS] the film was fun . [SEP]: "film" takes both pieces, half each.
        Assert.Equal(new[] { (2, 0.5f), (3, 0.5f) }, alignment.For(2));
        Assert.Equal(new[] { (0, 1f) }, alignment.For(0));
        Assert.Equal(new[] { (7, 1f) }, alignment.For(6));
    }

    [Fact]
    public void SaveLoad_RoundTrips_AndAVocabularyWithoutSpecialsIsRefused()
    {
        using var dir = new TemporaryDirectory();
        var tokenizer = WordLevelTokenizer.Build(Texts);
        tokenizer.Save(dir.File("words.txt"));

        Assert.Equal(tokenizer.Words, WordLevelTokenizer.Load(dir.File("words.txt")).Words);
        var error = Assert.Throws<ConfigException>(() => WordLevelTokenizer.Load(dir.Write("bad.txt", "[PAD]\n[UNK]\nthe\n")));
        Assert.Contains("bad.txt", error.Message);
        Assert.Contains("no [CLS] token", error.Message);
    }
}
