using Distill.Data;
using Distill.Models;
using Distill.Tokenization;
using Distill.Errors;

namespace Distill.DistillStudent.Students;

/// <summary>
/// What student vocabulary <see cref="VocabularyBuilder.Run"/> makes: the teacher's pieces most used on the data
/// (<see cref="VocabularyBuilder.Build"/>, needs <see cref="Teacher"/>), or with <see cref="Learn"/> a WordPiece
/// vocabulary learnt from the data (<see cref="WordPieceTrainer"/>).
/// </summary>
internal sealed record VocabularyRequest
{
    /// <summary>Classification training data (CSV, TSV or JSONL with text and optional text_b).</summary>
    public required string Data { get; init; }

    /// <summary>How <see cref="Data"/> is read (its column names); the readers' defaults unless set.</summary>
    public DataReadOptions ReadOptions { get; init; } = new();

    /// <summary>The most entries of the vocabulary, specials and characters included.</summary>
    public required int Size { get; init; }

    /// <summary>The vocab.txt to write (atomically).</summary>
    public required string Output { get; init; }

    /// <summary>
    /// Teacher model directory: its config's do_lower_case normalizes the data, and its vocab.txt gives the pieces
    /// (or, with <see cref="Learn"/>, tells how many learnt pieces the teacher also has). Required unless <see cref="Learn"/>;
    /// without it the data is read uncased.
    /// </summary>
    public string? Teacher { get; init; }

    /// <summary>Learn a WordPiece vocabulary from the data instead of choosing among the teacher's pieces.</summary>
    public bool Learn { get; init; }

    /// <summary>With <see cref="Learn"/>: <see cref="WordPieceTrainerOptions.MinFrequency"/>; null for its default.</summary>
    public int? MinFrequency { get; init; }

    /// <summary>With <see cref="Learn"/>: <see cref="WordPieceTrainerOptions.LimitAlphabet"/>; null keeps every character.</summary>
    public int? LimitAlphabet { get; init; }

    /// <summary>Throws a <see cref="ConfigException"/> when the teacher is missing without --learn, or a --learn option comes without it.</summary>
    public void Validate()
    {
        if (!Learn && Teacher is null)
        {
            throw new ConfigException("build-vocab needs --teacher (the vocabulary is made of its pieces), or --learn to learn one from the data");
        }
        if (!Learn && (MinFrequency is not null || LimitAlphabet is not null))
        {
            throw new ConfigException("--min-frequency and --limit-alphabet go with --learn only");
        }
    }
}
