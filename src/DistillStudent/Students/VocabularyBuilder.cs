using Distill.Data;
using Distill.IO;
using Distill.Models;
using Distill.Tokenization;
using Distill.Errors;

namespace Distill.DistillStudent.Students;

/// <summary>
/// Builds a smaller WordPiece vocabulary for a student from the teacher's vocabulary and training text: the
/// special tokens, every single character of the teacher's vocabulary that occurs in the text (alone and as its
/// <c>##</c> continuation, so any word of the text still tokenizes without [UNK] where the teacher had none), then
/// the teacher's pieces most used on the text. Every entry is a teacher piece, so its embedding row can be copied.
/// <see cref="Run"/> makes this or a vocabulary learnt from the text (<see cref="WordPieceTrainer"/>), as asked.
/// </summary>
internal static class VocabularyBuilder
{
    /// <summary>
    /// Makes the vocabulary a request asks for from its classification data (text and text_b) and writes it; the
    /// data is normalized as the teacher's config says (uncased without a teacher).
    /// </summary>
    public static VocabularyReport Run(VocabularyRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        request.Validate();
        var examples = ClassificationReader.Read(request.Data, request.ReadOptions).Examples;
        var texts = examples.SelectMany(e => e.TextB is null ? [e.TextA] : new[] { e.TextA, e.TextB });
        BertConfig? config = null;
        string[]? teacherPieces = null;
        if (request.Teacher is { } teacher)
        {
            config = BertConfig.Load(Path.Combine(teacher, ModelDirectory.ConfigFile));
            teacherPieces = File.ReadAllLines(Path.Combine(teacher, ModelDirectory.VocabFile));
        }

        var vocabulary = request.Learn
            ? WordPieceTrainer.Learn(
                texts,
                config is null ? new WordPieceOptions() : ModelDirectory.TokenizerOptions(config.DoLowerCase),
                new WordPieceTrainerOptions
                {
                    VocabularySize = request.Size,
                    MinFrequency = request.MinFrequency ?? WordPieceTrainerOptions.DefaultMinFrequency,
                    LimitAlphabet = request.LimitAlphabet,
                })
            : Build(teacherPieces!, ModelDirectory.LoadTokenizer(request.Teacher!, config!), texts, request.Size);
        Write(request.Output, vocabulary);
        (int, int)? shared = teacherPieces is null ? null : (vocabulary.Intersect(teacherPieces).Count(), teacherPieces.Length);
        return new VocabularyReport(request.Output, vocabulary.Count, examples.Count, request.Learn, shared);
    }

    /// <summary>
    /// The student vocabulary in id order: specials and characters each in teacher-id order, then pieces by use
    /// (most used first, ties by teacher id), at most <paramref name="size"/> entries. Throws a
    /// <see cref="ConfigException"/> when the specials and characters alone exceed <paramref name="size"/>.
    /// </summary>
    public static IReadOnlyList<string> Build(IReadOnlyList<string> teacherVocabulary, WordPieceEncoder teacherTokenizer, IEnumerable<string> texts, int size)
    {
        ArgumentNullException.ThrowIfNull(teacherVocabulary);
        ArgumentNullException.ThrowIfNull(teacherTokenizer);
        ArgumentNullException.ThrowIfNull(texts);
        var idOf = new Dictionary<string, int>();
        for (var id = 0; id < teacherVocabulary.Count; id++) idOf.TryAdd(teacherVocabulary[id], id);

        var characters = new HashSet<int>();
        var uses = new Dictionary<int, long>();
        foreach (var text in texts)
        {
            foreach (var word in teacherTokenizer.Words(text))
            {
                foreach (var rune in word.EnumerateRunes())
                {
                    var character = rune.ToString();
                    if (idOf.TryGetValue(character, out var id)) characters.Add(id);
                    if (idOf.TryGetValue(WordPieceTrainer.ContinuationPrefix + character, out var continuation)) characters.Add(continuation);
                }
            }
            foreach (var token in teacherTokenizer.Tokenize(text))
            {
                uses[token.Id] = uses.GetValueOrDefault(token.Id) + 1;
            }
        }

        var specials = WordPieceTrainer.BertSpecialTokens.Where(idOf.ContainsKey).Select(t => idOf[t]).Order().ToList();
        var head = specials.Concat(characters.Except(specials).Order()).ToList();
        if (head.Count > size)
        {
            throw new ConfigException(
                $"--size {size} is too small: the {specials.Count} special tokens and {head.Count - specials.Count} single characters of the data need {head.Count} entries");
        }
        var taken = head.ToHashSet();
        var pieces = uses.Where(u => !taken.Contains(u.Key))
            .OrderByDescending(u => u.Value).ThenBy(u => u.Key)
            .Select(u => u.Key)
            .Take(size - head.Count);
        return head.Concat(pieces).Select(id => teacherVocabulary[id]).ToList();
    }

    /// <summary>Writes a vocabulary as vocab.txt (one token a line, the line number is the id), atomically.</summary>
    public static void Write(string path, IReadOnlyList<string> vocabulary)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        AtomicFile.WriteAllText(path, string.Concat(vocabulary.Select(token => token + "\n")));
    }
}
