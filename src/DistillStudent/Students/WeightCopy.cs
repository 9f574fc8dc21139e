namespace Distill.DistillStudent.Students;

/// <summary>Which of a student's weights came from another checkpoint and which kept their random init (student key names).</summary>
internal sealed record WeightCopy(IReadOnlyList<string> Copied, IReadOnlyList<string> LeftRandom)
{
    public static WeightCopy None(IEnumerable<string> studentKeys) => new([], studentKeys.ToArray());
}
