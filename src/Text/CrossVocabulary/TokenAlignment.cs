namespace Distill.CrossVocabulary;

/// <summary>
/// Which teacher tokens each student token stands for, when teacher and student tokenize the same text with
/// different vocabularies: a sparse map from student token to teacher tokens with weights, built from both sides'
/// character ranges. The rules:
/// <list type="bullet">
/// <item>A text token (segment 0 or 1) takes every teacher token of the same segment whose character range overlaps
/// its own, each with weight 1/n (the mean of the n tokens). Ranges in different segments never align, even when
/// equal: offsets count from the start of each segment's own text.</item>
/// <item>Special tokens (segment -1) align by order: the k-th special of the student with the k-th of the teacher,
/// so [CLS] takes [CLS] and each [SEP] its own [SEP].</item>
/// <item>A student token with nothing to take (its text was cut off the teacher's window, or the teacher has fewer
/// specials) is unaligned: losses on aligned teacher outputs leave it out. Padding is no token and aligns nowhere.</item>
/// </list>
/// </summary>
internal sealed class TokenAlignment
{
    private readonly int[] starts;
    private readonly int[] teachers;
    private readonly float[] weights;

    private TokenAlignment(int[] starts, int[] teachers, float[] weights)
    {
        this.starts = starts;
        this.teachers = teachers;
        this.weights = weights;
    }

    /// <summary>Number of student tokens.</summary>
    public int StudentLength => starts.Length - 1;

    /// <summary>The teacher tokens student token <paramref name="student"/> takes, in teacher order, with their weights (summing to 1); empty when unaligned.</summary>
    public IReadOnlyList<(int Teacher, float Weight)> For(int student)
    {
        var result = new (int, float)[starts[student + 1] - starts[student]];
        for (var i = 0; i < result.Length; i++) result[i] = (teachers[starts[student] + i], weights[starts[student] + i]);
        return result;
    }

    /// <summary>Whether student token <paramref name="student"/> takes any teacher token.</summary>
    public bool IsAligned(int student) => starts[student + 1] > starts[student];

    /// <summary>
    /// Writes, for each student token, the weighted sum of the teacher rows it takes: <paramref name="teacher"/> is
    /// teacher length × width row-major, <paramref name="into"/> student length × width (rows of unaligned tokens are
    /// left as they are).
    /// </summary>
    public void Apply(ReadOnlySpan<float> teacher, Span<float> into, int width)
    {
        for (var s = 0; s < StudentLength; s++)
        {
            var row = into.Slice(s * width, width);
            for (var k = starts[s]; k < starts[s + 1]; k++)
            {
                var source = teacher.Slice(teachers[k] * width, width);
                var w = weights[k];
                for (var h = 0; h < width; h++) row[h] += w * source[h];
            }
        }
    }

    /// <summary>
    /// Aligns student tokens to teacher tokens.
    /// </summary>
    /// <param name="teacher">the teacher's tokens, e.g. a cached row's offsets and segments</param>
    /// <param name="student">the student's tokens of the same text (pair)</param>
    public static TokenAlignment Build(TokenSpans teacher, TokenSpans student)
    {
        var starts = new int[student.Count + 1];
        var teachers = new List<int>();
        var teacherSpecials = Enumerable.Range(0, teacher.Count).Where(i => teacher.Segments[i] < 0).ToList();
        var specialsSeen = 0;
        // Per segment, the first teacher token that can still overlap: ranges only move right within a segment.
        var from = new Dictionary<int, int>();
        for (var s = 0; s < student.Count; s++)
        {
            var segment = student.Segments[s];
            if (segment < 0)
            {
                if (specialsSeen < teacherSpecials.Count) teachers.Add(teacherSpecials[specialsSeen]);
                specialsSeen++;
            }
            else
            {
                var (start, end) = student.Range(s);
                var t = from.GetValueOrDefault(segment);
                while (t < teacher.Count && (teacher.Segments[t] != segment || teacher.Range(t).End <= start)) t++;
                from[segment] = t;
                for (; t < teacher.Count; t++)
                {
                    if (teacher.Segments[t] != segment) continue;
                    var (teacherStart, teacherEnd) = teacher.Range(t);
                    if (teacherStart >= end) break;
                    if (teacherEnd > start && teacherStart < end) teachers.Add(t);
                }
            }
            starts[s + 1] = teachers.Count;
        }
        return Equal(starts, teachers);
    }

    /// <summary>An alignment in which student token s takes <paramref name="takes"/>[s], each with weight 1/n.</summary>
    internal static TokenAlignment Of(IReadOnlyList<IReadOnlyList<int>> takes)
    {
        var starts = new int[takes.Count + 1];
        for (var s = 0; s < takes.Count; s++) starts[s + 1] = starts[s] + takes[s].Count;
        return Equal(starts, takes.SelectMany(t => t).ToList());
    }

    private static TokenAlignment Equal(int[] starts, List<int> teachers)
    {
        var weights = new float[teachers.Count];
        for (var s = 0; s + 1 < starts.Length; s++)
        {
            for (var k = starts[s]; k < starts[s + 1]; k++) weights[k] = 1f / (starts[s + 1] - starts[s]);
        }
        return new TokenAlignment(starts, [.. teachers], weights);
    }
}
