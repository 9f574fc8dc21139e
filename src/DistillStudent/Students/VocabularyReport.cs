using System.Globalization;

namespace Distill.DistillStudent.Students;

/// <summary>What <see cref="VocabularyBuilder.Run"/> wrote.</summary>
/// <param name="Path">the vocab.txt written</param>
/// <param name="Size">its number of entries</param>
/// <param name="Examples">training examples read</param>
/// <param name="Learnt">whether it was learnt from the data (else made of the teacher's pieces)</param>
/// <param name="Teacher">how many entries the teacher's vocabulary also has (init-student copies their embedding rows) and the teacher's size; null without a teacher</param>
internal sealed record VocabularyReport(string Path, int Size, int Examples, bool Learnt, (int Shared, int Of)? Teacher)
{
    /// <summary>One line for a person.</summary>
    public string Describe()
    {
        var line = string.Create(CultureInfo.InvariantCulture, $"{Size} entries {(Learnt ? "learnt " : "")}from {Examples} examples written to {Path}");
        return Teacher is var (shared, of)
            ? line + string.Create(CultureInfo.InvariantCulture, $"; {shared} of them in the teacher's {of}")
            : line;
    }
}
