using Distill.Models;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.DistillStudent.Students;

/// <summary>
/// A student's own WordPiece vocabulary (one token a line, the line number is the id) and the copying of teacher
/// embedding rows into it: a token the teacher also has gets the teacher's row, so what the teacher learnt about
/// it carries over; the others keep Hugging Face's init, N(0, initializer_range).
/// </summary>
internal sealed class StudentVocabulary
{
    /// <summary>Student state-dict key suffix of the word embeddings (with or without the task models' <c>bert.</c> prefix).</summary>
    public const string WordEmbeddingsKey = "embeddings.word_embeddings.weight";

    private static readonly string[] Required = ["[PAD]", "[UNK]", "[CLS]", "[SEP]"];

    private StudentVocabulary(string path, string[] tokens)
    {
        Path = path;
        Tokens = tokens;
        PadId = Array.IndexOf(tokens, "[PAD]");
    }

    /// <summary>The vocab.txt it was read from (full path).</summary>
    public string Path { get; }

    public IReadOnlyList<string> Tokens { get; }

    /// <summary>Id of [PAD] in this vocabulary, the student's pad_token_id.</summary>
    public int PadId { get; }

    /// <summary>Reads a vocab.txt; throws a <see cref="ConfigException"/> naming the file when a token BERT inputs need is missing.</summary>
    public static StudentVocabulary Load(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"--vocab {full} does not exist", full);
        var tokens = Tokenization.VocabularyFile.Read(full);
        var missing = Required.Where(t => !tokens.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            throw new ConfigException($"--vocab {full}: no {string.Join(", ", missing)} among its {tokens.Length} tokens; BERT inputs need [PAD], [UNK], [CLS] and [SEP]");
        }
        return new StudentVocabulary(full, tokens);
    }

    /// <summary>
    /// Copies into the student's word embeddings the teacher's row of every token both vocabularies have (a token
    /// listed twice in the teacher's file maps to its first line, as the tokenizer reads it). Returns how many rows
    /// were copied: none when the widths differ, since a teacher row fits only a student of its hidden size.
    /// </summary>
    public int CopyTeacherRows(nn.Module student, IReadOnlyDictionary<string, Tensor> teacherWeights, IReadOnlyList<string> teacherTokens)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacherWeights);
        ArgumentNullException.ThrowIfNull(teacherTokens);
        var target = student.state_dict().Single(kv => kv.Key.EndsWith(WordEmbeddingsKey, StringComparison.Ordinal)).Value;
        var source = teacherWeights.Single(kv => kv.Key.EndsWith(WordEmbeddingsKey, StringComparison.Ordinal)).Value;
        if (source.shape[1] != target.shape[1]) return 0;

        var teacherIds = new Dictionary<string, long>();
        for (var id = 0; id < teacherTokens.Count; id++) teacherIds.TryAdd(teacherTokens[id], id);
        var studentRows = new List<long>();
        var teacherRows = new List<long>();
        for (var id = 0; id < Tokens.Count; id++)
        {
            if (!teacherIds.TryGetValue(Tokens[id], out var teacherId)) continue;
            studentRows.Add(id);
            teacherRows.Add(teacherId);
        }
        using var _ = no_grad();
        using var from = tensor(teacherRows.ToArray());
        using var to = tensor(studentRows.ToArray());
        using var rows = source.index_select(0, from);
        target.index_copy_(0, to, rows);
        return studentRows.Count;
    }
}
