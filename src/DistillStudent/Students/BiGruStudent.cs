using Distill.Models;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.DistillStudent.Students;

/// <summary>
/// Makes a BiGRU student (<c>init-student --arch bigru</c>) for a classification or tagging teacher: the teacher's
/// task and labels, its vocabulary (or <see cref="StudentRequest.Vocab"/>), embeddings as wide as the teacher's
/// hidden size with the teacher's word-embedding row of every token both vocabularies have (raw rows, before the
/// teacher's position embeddings and LayerNorm), and the GRU and head random.
/// </summary>
internal static class BiGruStudent
{
    /// <param name="request">a validated request with <see cref="StudentRequest.Arch"/> bigru</param>
    /// <param name="output">the full path of the (absent or empty) student directory</param>
    public static StudentReport Write(StudentRequest request, string output)
    {
        using var teacher = TeacherCheckpoint.Load(request.Teacher);
        if (teacher.Kind is not { } kind || kind == TaskKind.Qa)
        {
            var has = teacher.Kind is null ? "no task head" : "a qa head";
            throw new ConfigException($"--arch bigru: the teacher {teacher.Directory} has {has}; a BiGRU student takes the task and labels of a classification or tagging teacher");
        }
        var vocabulary = request.Vocab is { } file ? StudentVocabulary.Load(file) : null;
        var t = teacher.Config;
        var config = new BiGruConfig
        {
            Task = kind,
            VocabSize = vocabulary?.Tokens.Count ?? t.VocabSize,
            EmbeddingSize = t.HiddenSize,
            HiddenSize = request.Hidden ?? t.HiddenSize / 2,
            NumLayers = request.GruLayers ?? StudentRequest.DefaultGruLayers,
            PadTokenId = vocabulary?.PadId ?? t.PadTokenId,
            DoLowerCase = t.DoLowerCase,
            Labels = teacher.Labels,
            Extra = StudentBuilder.WithOrigin(null, request, teacher),
        };

        manual_seed(request.Seed);
        using var student = new BiGruTaskModel(config);
        var rows = vocabulary is null ? CopyAllRows(student, teacher) : vocabulary.CopyTeacherRows(student, teacher.Weights, File.ReadAllLines(teacher.VocabPath));
        StudentBuilder.WriteWhole(output, directory => BiGruDirectory.Save(directory, student, vocabulary?.Path ?? teacher.VocabPath));

        var keys = student.state_dict().Keys.ToList();
        var copied = keys.Where(k => k == StudentVocabulary.WordEmbeddingsKey).ToList();
        return new StudentReport(
            output,
            $"word-embedding rows from the teacher, GRU and head random (seed {request.Seed})",
            $"BiGRU, {config.NumLayers} layers, hidden {config.HiddenSize} per direction ({config.OutputSize} out), embeddings {config.EmbeddingSize}",
            kind, teacher.Labels, new WeightCopy(copied, keys.Except(copied).ToList()),
            student.parameters().Sum(p => p.numel()), teacher.Parameters,
            new FileInfo(Path.Combine(output, ModelDirectory.WeightsFile)).Length,
            vocabulary is null ? null : new VocabularyCopy(vocabulary.Path, vocabulary.Tokens.Count, rows),
            "PyTorch's GRU init, head N(0, 0.02)");
    }

    // The teacher's vocabulary: its word embeddings whole (the config's vocab_size rows, which may exceed vocab.txt's lines).
    private static int CopyAllRows(BiGruTaskModel student, TeacherCheckpoint teacher)
    {
        var source = teacher.Weights.Single(kv => kv.Key.EndsWith(StudentVocabulary.WordEmbeddingsKey, StringComparison.Ordinal)).Value;
        using var _ = no_grad();
        student.state_dict()[StudentVocabulary.WordEmbeddingsKey].copy_(source);
        return (int)source.shape[0];
    }
}
