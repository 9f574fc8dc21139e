using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Registry;
using Distill.Models;
using Distill.Errors;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// Checks, from the configs alone (no forward pass), that every intermediate match compares tensors of the same
/// shape: a hidden-state match needs the student's width (after its projection) to be the teacher's, a projection
/// must start from the student's width and end at the teacher's, and a per-head attention match needs as many
/// heads on both sides. Losses that compare token-by-token similarities (mmd, nst) or sum or average over heads
/// take any width or head count. Which losses need equal shapes is the rule each is registered with
/// (<see cref="ComponentRegistry"/>, user losses included), the same rule the per-batch check reads. Every problem is
/// named in one error.
/// </summary>
internal static class ConfigShapeCheck
{
    /// <summary>One side's hidden width and attention heads (null: unknown, e.g. a BiGRU has no attention).</summary>
    public sealed record Side(int HiddenSize, int? Heads);

    /// <summary>Whether the loss compares equal shapes, by the rule it is registered with (an unknown name is the config validation's to name).</summary>
    private static bool NeedsSameShape(string loss) =>
        ComponentRegistry.TryGetMatchLoss(loss, out _, out var shapes, out _) && shapes == MatchShapes.Same;

    /// <param name="distillation">the validated distillation config</param>
    /// <param name="student">the student's shape</param>
    /// <param name="teachers">each teacher's shape, in the run's teacher order</param>
    public static void Check(DistillationConfig distillation, Side student, IReadOnlyList<Side> teachers)
    {
        var problems = new List<string>();
        for (var i = 0; i < distillation.IntermediateMatches.Count; i++)
        {
            var match = distillation.IntermediateMatches[i];
            var where = $"intermediate_matches[{i}]";
            if (match.Teacher >= teachers.Count) continue; // named by the config's own validation
            var teacher = teachers[match.Teacher];
            if (match.Feature == "attention")
            {
                if (NeedsSameShape(match.Loss) && student.Heads is { } s && teacher.Heads is { } t && s != t)
                {
                    problems.Add($"{where} ({match.Loss}) compares attention per head: the student has {s} heads, the teacher {t}; "
                        + "use attention_mse_sum or attention_ce_mean, which sum or average over heads");
                }
                continue;
            }
            var width = student.HiddenSize;
            if (match.RelationHeads is { } r && ((match.Projection(where)?.TeacherDim ?? width) % r != 0 || teacher.HiddenSize % r != 0))
            {
                problems.Add($"{where}.relation_heads {r} must divide both sides' widths: the student's is {match.Projection(where)?.TeacherDim ?? width}, the teacher's {teacher.HiddenSize}");
            }
            if (match.Projection(where) is { } proj)
            {
                if (proj.StudentDim != student.HiddenSize) problems.Add($"{where}.proj[1] (dim_S) is {proj.StudentDim}, the student's hidden size is {student.HiddenSize}");
                if (NeedsSameShape(match.Loss) && proj.TeacherDim != teacher.HiddenSize)
                {
                    problems.Add($"{where}.proj[2] (dim_T) is {proj.TeacherDim}, the teacher's hidden size is {teacher.HiddenSize}");
                }
                continue;
            }
            if (NeedsSameShape(match.Loss) && width != teacher.HiddenSize)
            {
                problems.Add($"{where} ({match.Loss}) compares hidden states {width} wide (student) with {teacher.HiddenSize} wide (teacher); "
                    + $"add \"proj\": [\"linear\", {width}, {teacher.HiddenSize}]");
            }
        }
        if (problems.Count > 0) throw new ConfigException($"the intermediate matches do not fit the models: {string.Join("; ", problems)}");
    }
}
