
using Distill.Errors;

namespace Distill.Tokenization;

/// <summary>What <see cref="WordPieceTrainer"/> learns. Defaults are those of Hugging Face's <c>BertWordPieceTokenizer.train</c>, except the alphabet limit.</summary>
internal sealed class WordPieceTrainerOptions
{
    /// <summary>The most entries of the vocabulary, specials and characters included.</summary>
    public required int VocabularySize { get; init; }

    /// <summary>The default of <see cref="MinFrequency"/>.</summary>
    public const int DefaultMinFrequency = 2;

    /// <summary>A pair occurring fewer times than this (over all words, each weighted by its count) is not merged. Default: 2.</summary>
    public int MinFrequency { get; init; } = DefaultMinFrequency;

    /// <summary>
    /// Keep at most this many distinct characters, dropping the rarest first; words are then split as if the
    /// dropped characters were not there, and they become [UNK]. Default: null, every character of the data is kept,
    /// so no word of the training text tokenizes to [UNK].
    /// </summary>
    public int? LimitAlphabet { get; init; }

    /// <summary>The first entries, in this order. Default: BERT's [PAD], [UNK], [CLS], [SEP], [MASK].</summary>
    public IReadOnlyList<string> SpecialTokens { get; init; } = WordPieceTrainer.BertSpecialTokens;

    /// <summary>Throws a <see cref="ConfigException"/> naming the option that is out of range.</summary>
    public void Validate()
    {
        if (VocabularySize < 1) throw new ConfigException($"--size must be at least 1 (found {VocabularySize})");
        if (MinFrequency < 1) throw new ConfigException($"--min-frequency must be at least 1 (found {MinFrequency})");
        if (LimitAlphabet < 1) throw new ConfigException($"--limit-alphabet must be at least 1 (found {LimitAlphabet})");
    }
}
