using Distill.Tokenization;

namespace Distill.Features;

/// <summary>
/// Sequence labelling (NER, POS) over word pieces: each word is tokenized on its own and its tag goes to its first
/// piece, as in Hugging Face's token-classification examples; predictions come back per word from that piece.
/// </summary>
internal static class TaggingFeatures
{
    /// <summary>The label of tokens that take no part in the loss: PyTorch's cross-entropy <c>ignore_index</c> default.</summary>
    public const int IgnoreLabel = -100;

    /// <summary>
    /// Encodes <paramref name="words"/> (and their <paramref name="tagIds"/>, null at inference, when every label is
    /// <see cref="IgnoreLabel"/>) as <c>[CLS] pieces [SEP]</c> of at most <paramref name="maxLength"/> tokens. Pieces
    /// beyond <c>maxLength - 2</c> are dropped from the end. Every word without a label is counted once: in
    /// <see cref="TaggingFeature.EmptyWords"/> when it has no piece, else in <see cref="TaggingFeature.TruncatedWords"/>.
    /// </summary>
    public static TaggingFeature Encode(WordPieceEncoder encoder, IReadOnlyList<string> words, IReadOnlyList<int>? tagIds, int maxLength)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(words);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 3);
        CheckTagIds(words, tagIds);

        var budget = maxLength - 2;
        var pieces = new List<WordPieceToken>();
        var pieceWords = new List<int>();
        var emptyWords = 0;
        var truncatedWords = 0;
        var truncated = false;
        var wordStart = 0;
        for (var w = 0; w < words.Count; w++)
        {
            var tokens = encoder.Tokenize(words[w]);
            var room = budget - pieces.Count;
            if (tokens.Count == 0) emptyWords++;
            else if (room == 0) truncatedWords++;
            truncated |= tokens.Count > room;
            foreach (var token in tokens.Take(room))
            {
                // Shift from the word's own text to the joined text, so users can slice one string.
                pieces.Add(token with { Start = token.Start + wordStart, End = token.End + wordStart });
                pieceWords.Add(w);
            }
            wordStart += words[w].Length + 1;
        }

        var text = encoder.Assemble(pieces, null, truncated);
        var wordIndex = new int[text.Length];
        Array.Fill(wordIndex, -1);
        pieceWords.CopyTo(wordIndex, 1);
        var labels = new int[text.Length];
        Array.Fill(labels, IgnoreLabel);
        if (tagIds is not null)
        {
            for (var i = 0; i < text.Length; i++)
            {
                if (IsFirstPiece(wordIndex, i)) labels[i] = tagIds[wordIndex[i]];
            }
        }
        return new TaggingFeature(text, labels, wordIndex, words.Count, truncated, truncatedWords, emptyWords);
    }

    /// <summary>
    /// One tag id per word, read from the prediction at the word's first piece; words without one (empty or cut by
    /// truncation) get <paramref name="fallback"/>. <paramref name="tokenPredictions"/> may be padded past the tokens.
    /// </summary>
    public static int[] WordPredictions(TaggingFeature feature, IReadOnlyList<int> tokenPredictions, int fallback)
    {
        ArgumentNullException.ThrowIfNull(feature);
        ArgumentNullException.ThrowIfNull(tokenPredictions);
        if (tokenPredictions.Count < feature.Text.Length)
        {
            throw new ArgumentException(
                $"{tokenPredictions.Count} token predictions for a feature of {feature.Text.Length} tokens: expected at least one per token",
                nameof(tokenPredictions));
        }
        var result = new int[feature.WordCount];
        Array.Fill(result, fallback);
        for (var i = 0; i < feature.Text.Length; i++)
        {
            if (IsFirstPiece(feature.WordIndex, i)) result[feature.WordIndex[i]] = tokenPredictions[i];
        }
        return result;
    }

    /// <summary>
    /// One tag per word from a tagging model's logits for <paramref name="feature"/>: (T × labels) flattened, T at
    /// least the feature's tokens. Each token takes its argmax; each word the tag at its first piece, or
    /// <c>labels[0]</c> when it has none (see <see cref="WordPredictions"/>).
    /// </summary>
    public static string[] WordTags(TaggingFeature feature, float[] logits, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentNullException.ThrowIfNull(labels);
        var classes = labels.Count;
        if (classes == 0 || logits.Length % classes != 0)
        {
            throw new ArgumentException($"{logits.Length} logits do not split into rows of {classes} labels: expected tokens × labels values", nameof(logits));
        }
        var tokenPredictions = new int[logits.Length / classes];
        for (var t = 0; t < tokenPredictions.Length; t++) tokenPredictions[t] = ClassScores.ArgMax(logits.AsSpan(t * classes, classes));
        return WordPredictions(feature, tokenPredictions, fallback: 0).Select(id => labels[id]).ToArray();
    }

    // A word's pieces are contiguous, so its first piece is where the word index changes.
    private static bool IsFirstPiece(int[] wordIndex, int i) => wordIndex[i] >= 0 && (i == 0 || wordIndex[i - 1] != wordIndex[i]);

    private static void CheckTagIds(IReadOnlyList<string> words, IReadOnlyList<int>? tagIds)
    {
        if (tagIds is null) return;
        if (tagIds.Count != words.Count)
        {
            throw new ArgumentException($"{tagIds.Count} tag ids for {words.Count} words: expected one tag id per word", nameof(tagIds));
        }
        for (var w = 0; w < tagIds.Count; w++)
        {
            if (tagIds[w] < 0)
            {
                throw new ArgumentException($"tag id {tagIds[w]} of word {w} (\"{words[w]}\") is negative: expected an index into the tag list", nameof(tagIds));
            }
        }
    }
}
