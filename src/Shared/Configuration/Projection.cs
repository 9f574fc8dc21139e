namespace Distill.Configuration;

/// <summary>
/// The typed form of a match's <c>proj</c>: the layer kind (<c>linear</c>, <c>relu</c>, <c>tanh</c>, as TextBrewer's
/// PROJ_MAP), the student and teacher feature sizes, and optionally a saved projection to start from.
/// </summary>
/// <param name="Kind">linear, relu or tanh.</param>
/// <param name="StudentDim">Input size: the student's feature width.</param>
/// <param name="TeacherDim">Output size: the teacher's feature width.</param>
/// <param name="InitFrom">
/// Path of a safetensors file holding this projection's <c>weight</c> (TeacherDim × StudentDim) and <c>bias</c>;
/// null starts from a fresh initialisation. TextBrewer's 4th element is an optimizer-group dict instead; we take a
/// path because a projection trained in one run is what a later run most often needs.
/// </param>
public sealed record Projection(string Kind, int StudentDim, int TeacherDim, string? InitFrom)
{
    public static readonly IReadOnlyList<string> Kinds = ["linear", "relu", "tanh"];
}
