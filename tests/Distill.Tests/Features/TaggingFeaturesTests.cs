using Distill.Features;

namespace Distill.Tests.Features;

public sealed class TaggingFeaturesTests : IDisposable
{
    private const int Ignore = TaggingFeatures.IgnoreLabel;
    private readonly TinyVocabulary vocabulary = new();

    public void Dispose() => vocabulary.Dispose();

    [Fact]
    public void IgnoreLabel_IsPyTorchIgnoreIndex()
    {
        Assert.Equal(-100, TaggingFeatures.IgnoreLabel);
    }

    [Fact]
    public void Encode_SubTokens_TagOnFirstPieceOnly()
    {
        string[] words = ["The", "cat", "playing", "unbelievable"];

        var feature = TaggingFeatures.Encode(vocabulary.Encoder, words, [1, 2, 3, 4], maxLength: 16);

        // [CLS] the cat play ##ing un ##believ ##able [SEP]
        Assert.Equal([2, 4, 5, 6, 7, 8, 9, 10, 3], feature.Text.Ids);
        Assert.Equal([Ignore, 1, 2, 3, Ignore, 4, Ignore, Ignore, Ignore], feature.Labels);
        Assert.Equal([-1, 0, 1, 2, 2, 3, 3, 3, -1], feature.WordIndex);
        Assert.Equal(4, feature.WordCount);
        Assert.False(feature.Truncated);
        Assert.Equal(0, feature.TruncatedWords);
        Assert.Equal(0, feature.EmptyWords);
    }

    [Fact]
    public void Encode_Offsets_PointIntoWordsJoinedBySpaces()
    {
        string[] words = ["The", "cat", "playing", "unbelievable"];
        var joined = string.Join(' ', words); // "The cat playing unbelievable"

        var feature = TaggingFeatures.Encode(vocabulary.Encoder, words, null, maxLength: 16);

        Assert.Equal([(0, 0), (0, 3), (4, 7), (8, 12), (12, 15), (16, 18), (18, 24), (24, 28), (0, 0)], feature.Text.Offsets);
        Assert.Equal(["The", "cat", "play", "ing", "un", "believ", "able"],
            feature.Text.Offsets[1..^1].Select(o => joined[o.Start..o.End]));
    }

    [Fact]
    public void Encode_NoTags_EveryLabelIgnored()
    {
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["the", "cat"], null, maxLength: 16);

        Assert.Equal([Ignore, Ignore, Ignore, Ignore], feature.Labels);
        Assert.Equal([-1, 0, 1, -1], feature.WordIndex);
    }

    [Fact]
    public void Encode_UnknownWord_OneUnkPieceLabelled()
    {
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["the", "Zorg"], [5, 6], maxLength: 16);

        Assert.Equal([2, 4, 1, 3], feature.Text.Ids);
        Assert.Equal([Ignore, 5, 6, Ignore], feature.Labels);
    }

    [Fact]
    public void Encode_LastWordLosesLaterPieces_TruncatedButStillLabelled()
    {
        string[] words = ["the", "playing", "unbelievable", "cat"];

        // Budget 4 pieces: the play ##ing un; "unbelievable" keeps its first piece, "cat" loses everything.
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, words, [1, 2, 3, 4], maxLength: 6);

        Assert.Equal([2, 4, 6, 7, 8, 3], feature.Text.Ids);
        Assert.Equal([Ignore, 1, 2, Ignore, 3, Ignore], feature.Labels);
        Assert.Equal([-1, 0, 1, 1, 2, -1], feature.WordIndex);
        Assert.True(feature.Truncated);
        Assert.True(feature.Text.Truncated);
        Assert.Equal(1, feature.TruncatedWords);
        Assert.Equal(4, feature.WordCount);
    }

    [Fact]
    public void Encode_CutBeforeWordsStart_CountsEveryWordThatLostItsFirstPiece()
    {
        string[] words = ["the", "playing", "unbelievable", "cat"];

        // Budget 3 pieces: the play ##ing; "unbelievable" and "cat" both lose their first piece.
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, words, [1, 2, 3, 4], maxLength: 5);

        Assert.Equal([2, 4, 6, 7, 3], feature.Text.Ids);
        Assert.True(feature.Truncated);
        Assert.Equal(2, feature.TruncatedWords);
    }

    [Fact]
    public void Encode_ExactFit_NotTruncated()
    {
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["the", "playing"], [1, 2], maxLength: 5);

        Assert.Equal(5, feature.Text.Length);
        Assert.False(feature.Truncated);
        Assert.Equal(0, feature.TruncatedWords);
    }

    [Fact]
    public void Encode_WordsWithoutPieces_NoLabelCountedAsEmpty()
    {
        string[] words = ["the", "\u0000", "", "cat"];

        var feature = TaggingFeatures.Encode(vocabulary.Encoder, words, [1, 2, 3, 4], maxLength: 16);

        Assert.Equal([2, 4, 5, 3], feature.Text.Ids);
        Assert.Equal([Ignore, 1, 4, Ignore], feature.Labels);
        Assert.Equal([-1, 0, 3, -1], feature.WordIndex);
        Assert.Equal(2, feature.EmptyWords);
        Assert.Equal(0, feature.TruncatedWords);
        Assert.False(feature.Truncated);
        // "the \0  cat": the empty words still take their place in the joined text.
        Assert.Equal((7, 10), feature.Text.Offsets[2]);
    }

    [Fact]
    public void Encode_EmptyWordAfterTruncation_CountedOnceAsEmpty()
    {
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["playing", "", "cat"], [1, 2, 3], maxLength: 3);

        Assert.Equal([2, 6, 3], feature.Text.Ids);
        Assert.Equal(1, feature.EmptyWords);
        Assert.Equal(1, feature.TruncatedWords);
    }

    [Fact]
    public void Encode_TagCountMismatch_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => TaggingFeatures.Encode(vocabulary.Encoder, ["the", "cat"], [1], maxLength: 16));

        Assert.Contains("1 tag ids for 2 words", error.Message);
    }

    [Fact]
    public void Encode_NegativeTag_Throws()
    {
        var error = Assert.Throws<ArgumentException>(() => TaggingFeatures.Encode(vocabulary.Encoder, ["the", "cat"], [1, Ignore], maxLength: 16));

        Assert.Contains("\"cat\"", error.Message);
    }

    [Fact]
    public void WordPredictions_ReadsFirstPieceOfEachWord()
    {
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["The", "cat", "playing", "unbelievable"], null, maxLength: 16);

        // Tokens: [CLS] the cat play ##ing un ##believ ##able [SEP]
        var words = TaggingFeatures.WordPredictions(feature, [9, 1, 2, 3, 7, 4, 8, 8, 9], fallback: 0);

        Assert.Equal([1, 2, 3, 4], words);
    }

    [Fact]
    public void WordPredictions_InvertsEncodeLabels()
    {
        int[] tags = [3, 1, 4, 1];
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["The", "cat", "playing", "unbelievable"], tags, maxLength: 16);

        var words = TaggingFeatures.WordPredictions(feature, feature.Labels, fallback: 0);

        Assert.Equal(tags, words);
    }

    [Fact]
    public void WordPredictions_UnlabelledWords_GetFallback()
    {
        // "\0" is empty and "cat" is cut by truncation: neither has a first piece.
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["the", "\u0000", "playing", "cat"], null, maxLength: 5);

        // Predictions padded past the 5 tokens, as a batch row would be.
        var words = TaggingFeatures.WordPredictions(feature, [9, 1, 2, 2, 9, 5, 5], fallback: -1);

        Assert.Equal([1, -1, 2, -1], words);
    }

    [Fact]
    public void WordPredictions_FewerPredictionsThanTokens_Throws()
    {
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["the", "cat"], null, maxLength: 16);

        var error = Assert.Throws<ArgumentException>(() => TaggingFeatures.WordPredictions(feature, [0, 1, 2], fallback: 0));

        Assert.Contains("3 token predictions for a feature of 4 tokens", error.Message);
    }

    [Fact]
    public void WordTags_TokenLogits_ArgmaxAtEachWordsFirstPieceAndFirstLabelForUnlabelledWords()
    {
        // "cat" is cut by truncation: [CLS] the play ##ing [SEP].
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["the", "playing", "cat"], null, maxLength: 5);
        float[] logits =
        [
            0, 0, 9, // [CLS]
            0, 2, 1, // the: B
            1, 0, 3, // play: I
            0, 5, 0, // ##ing: not a first piece
            9, 0, 0, // [SEP]
        ];

        var tags = TaggingFeatures.WordTags(feature, logits, ["O", "B", "I"]);

        Assert.Equal(["B", "I", "O"], tags);
    }

    [Fact]
    public void WordTags_LogitsNotAMultipleOfLabels_Throws()
    {
        var feature = TaggingFeatures.Encode(vocabulary.Encoder, ["the"], null, maxLength: 5);

        var error = Assert.Throws<ArgumentException>(() => TaggingFeatures.WordTags(feature, new float[7], ["O", "B"]));

        Assert.Contains("7 logits do not split into rows of 2 labels", error.Message);
    }
}
