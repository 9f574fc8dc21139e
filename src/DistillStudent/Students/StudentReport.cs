using System.Globalization;
using Distill.Models;
using Distill.Tasks;

namespace Distill.DistillStudent.Students;

/// <summary>What <see cref="StudentBuilder.Write"/> made.</summary>
/// <param name="Output">the student directory (full path)</param>
/// <param name="Origin">how the weights were made, in words (e.g. "teacher layers [0,3]")</param>
/// <param name="Shape">the student's shape in words (layers, widths)</param>
/// <param name="Task">the head the student carries, as its teacher; null for a plain encoder</param>
/// <param name="Labels">the head's labels (the teacher's); empty for QA or an encoder</param>
/// <param name="Weights">student keys copied and left random</param>
/// <param name="StudentParameters">parameter count of the student</param>
/// <param name="TeacherParameters">parameter count of the teacher</param>
/// <param name="WeightsBytes">size of the written model.safetensors</param>
/// <param name="Vocabulary">the student's own vocabulary and how many of its embedding rows came from the teacher; null when it has the teacher's</param>
/// <param name="RandomInit">how the weights left random were initialised, in words</param>
internal sealed record StudentReport(
    string Output,
    string Origin,
    string Shape,
    TaskKind? Task,
    IReadOnlyList<string> Labels,
    WeightCopy Weights,
    long StudentParameters,
    long TeacherParameters,
    long WeightsBytes,
    VocabularyCopy? Vocabulary = null,
    string RandomInit = "Hugging Face init")
{
    private const int ListedKeys = 8;

    /// <summary>Lines for a person: shape, origin, copied/random counts, size against the teacher, where it went.</summary>
    public IReadOnlyList<string> Describe()
    {
        var lines = new List<string>
        {
            $"student: {Shape}; {Origin}",
            $"weights: {Weights.Copied.Count} tensors copied, {Weights.LeftRandom.Count} left random ({RandomInit})",
        };
        if (Weights.LeftRandom.Count > 0 && Weights.Copied.Count > 0)
        {
            var listed = string.Join(", ", Weights.LeftRandom.Take(ListedKeys));
            lines.Add($"left random: {listed}{(Weights.LeftRandom.Count > ListedKeys ? $", ... ({Weights.LeftRandom.Count - ListedKeys} more)" : "")}");
        }
        if (Vocabulary is { } own)
        {
            lines.Add(string.Create(CultureInfo.InvariantCulture,
                $"vocabulary: {own.Size:N0} tokens from {own.Path}; {own.RowsCopied:N0} embedding rows copied from the teacher, {own.Size - own.RowsCopied:N0} initialised"));
        }
        var share = TeacherParameters == 0 ? 0 : (double)StudentParameters / TeacherParameters;
        lines.Add(string.Create(CultureInfo.InvariantCulture,
            $"parameters: student {StudentParameters:N0} vs teacher {TeacherParameters:N0} ({share:P1}); model.safetensors {WeightsBytes / 1e6:F1} MB"));
        var head = Task is { } kind
            ? $"{kind.Name()} head" + (Labels.Count > 0 ? $", labels [{string.Join(", ", Labels)}]" : "")
            : "encoder only";
        lines.Add($"written: {Output} ({head})");
        return lines;
    }
}
