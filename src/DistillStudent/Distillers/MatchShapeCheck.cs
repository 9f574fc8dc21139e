using Distill.DistillStudent.Losses;
using Distill.Models;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.DistillStudent.Distillers;

/// <summary>
/// The shapes of a match's two sides against what its loss needs (<see cref="MatchShapes"/>), before the loss runs:
/// LibTorch would broadcast some mismatches silently (e.g. when the batch size equals the length) and fail on others
/// with a message that names no match.
/// </summary>
internal static class MatchShapeCheck
{
    /// <exception cref="ConfigException">a side's shape does not suit the loss; the message names the match, both layers and shapes, and what the loss expects</exception>
    public static void Check(string where, string loss, MatchShapes shapes, IReadOnlyList<int> studentLayers, IReadOnlyList<int> teacherLayers,
        IReadOnlyList<Tensor> student, IReadOnlyList<Tensor> teacher, bool projected)
    {
        if (shapes == MatchShapes.Any) return;
        for (var i = 0; i < student.Count; i++)
        {
            var s = student[i].shape;
            var t = teacher[i].shape;
            if (Fits(shapes, s, t)) continue;
            var expects = shapes switch
            {
                MatchShapes.Same => "the same shape on both sides",
                MatchShapes.SameButHeads => "the same shape on both sides but for the heads (dimension 1)",
                _ => "the same shape on both sides but for the last (feature) dimension",
            };
            var hint = shapes == MatchShapes.Same && !projected && s.Length == t.Length && s.SkipLast(1).SequenceEqual(t.SkipLast(1))
                ? $" (the widths differ: add \"proj\": [\"linear\", {s[^1]}, {t[^1]}])"
                : "";
            throw new ConfigException($"{where}: student layer {studentLayers[i]} is [{string.Join(", ", s)}]{(projected ? " after its proj" : "")} and teacher layer {teacherLayers[i]} is [{string.Join(", ", t)}], "
                + $"but loss \"{loss}\" expects {expects}{hint}");
        }
    }

    private static bool Fits(MatchShapes shapes, long[] s, long[] t) => shapes switch
    {
        MatchShapes.Same => s.SequenceEqual(t),
        MatchShapes.SameButHeads => s.Length == t.Length && s.Length > 1 && s.Take(1).Concat(s.Skip(2)).SequenceEqual(t.Take(1).Concat(t.Skip(2))),
        _ => s.Length == t.Length && s.SkipLast(1).SequenceEqual(t.SkipLast(1)),
    };
}
