using Distill.Data;
using Distill.Models;
using Distill.Tasks;
using Distill.Tokenization;

namespace Distill.DistillStudent.Api;

/// <summary>
/// A labelled data file read and tokenized for one model: the features a <see cref="Distiller"/> trains or
/// evaluates on, or a <see cref="Teacher"/> caches. The file and its reader settings identify it in a cache's manifest,
/// so that a student's data joins the cache made from the same file.
/// </summary>
public sealed class TextData
{
    private TextData(string path, ITaskData data, ITextTokenizer tokenizer, TaskDataSettings settings)
    {
        Path = path;
        Task = data;
        Tokenizer = tokenizer;
        Settings = settings;
    }

    /// <summary>The data file.</summary>
    public string Path { get; }

    /// <summary>The tokenizer the features were made with.</summary>
    public ITextTokenizer Tokenizer { get; }

    /// <summary>The labels, in the order their ids follow.</summary>
    public IReadOnlyList<string> Labels => Task.Labels;

    /// <summary>The examples read (one feature per example in classification).</summary>
    public int Count => Task.Features.Count;

    /// <summary>What was skipped or truncated while reading, as counted warnings.</summary>
    public IReadOnlyList<string> Warnings => Task.Warnings;

    internal ITaskData Task { get; }

    internal TaskDataSettings Settings { get; }

    internal TaskKind Kind => Task.Kind;

    /// <summary>
    /// Reads sentence (pair) classification data: JSONL (<c>text</c>, optional <c>text_b</c>, <c>label</c>), CSV or TSV
    /// with a header, and encodes each text with <paramref name="tokenizer"/>.
    /// </summary>
    /// <param name="path">the file</param>
    /// <param name="tokenizer">the model's tokenizer (<see cref="WordPieceEncoder"/>, <see cref="WordLevelTokenizer"/>, or your own)</param>
    /// <param name="maxLength">longer inputs are cut to this many tokens, specials included, and counted in <see cref="Warnings"/></param>
    /// <param name="labels">the label order (the training data's, for dev data); null takes the labels of this file, sorted</param>
    /// <param name="read">which fields hold what; null takes the defaults</param>
    public static TextData Classification(string path, ITextTokenizer tokenizer, int maxLength = 128, IReadOnlyList<string>? labels = null, DataReadOptions? read = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tokenizer);
        if (!File.Exists(path)) throw new FileNotFoundException($"data file {path} does not exist", path);
        var settings = new TaskDataSettings(maxLength, read ?? new DataReadOptions());
        return new TextData(path, ClassificationData.Load(path, tokenizer, labels, maxLength, settings.ReadOptions), tokenizer, settings);
    }

    /// <summary>Every text of a classification file (both texts of a pair), e.g. to build a <see cref="WordLevelTokenizer"/>.</summary>
    /// <param name="path">the file</param>
    /// <param name="read">which fields hold what; null takes the defaults</param>
    public static IEnumerable<string> Texts(string path, DataReadOptions? read = null) =>
        ClassificationReader.Read(path, read ?? new DataReadOptions()).Examples.SelectMany(e => e.TextB is null ? [e.TextA] : new[] { e.TextA, e.TextB });
}
