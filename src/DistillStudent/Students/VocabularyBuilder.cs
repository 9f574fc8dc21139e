using Distill.IO;
using Distill.Models;
using Distill.Tokenization;

namespace Distill.DistillStudent.Students;

/// <summary>
/// Builds a smaller WordPiece vocabulary for a student from the teacher's vocabulary and training text: the
/// special tokens, every single character of the teacher's vocabulary that occurs in the text (alone and as its
/// <c>##</c> continuation, so any word of the text still tokenizes without [UNK] where the teacher had none), then
/// the teacher's pieces most used on the text. Every entry is a teacher piece, so its embedding row can be copied.
/// </summary>
public static class VocabularyBuilder
{
    /// <summary>BERT's special tokens, kept (in the teacher's order) when the teacher has them.</summary>
    public static readonly IReadOnlyList<string> SpecialTokens = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

    private const string Continuation = "##";

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
                    if (idOf.TryGetValue(Continuation + character, out var continuation)) characters.Add(continuation);
                }
            }
            foreach (var token in teacherTokenizer.Tokenize(text))
            {
                uses[token.Id] = uses.GetValueOrDefault(token.Id) + 1;
            }
        }

        var specials = SpecialTokens.Where(idOf.ContainsKey).Select(t => idOf[t]).Order().ToList();
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
