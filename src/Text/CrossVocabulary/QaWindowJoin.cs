namespace Distill.CrossVocabulary;

/// <summary>
/// Which teacher tokens a student's QA window stands for, when teacher and student cut one example's context into
/// windows with different tokenizers: the student window is joined to all the teacher windows of its example (by
/// example id), and each student token to tokens of one of them, by character ranges. The rules:
/// <list type="bullet">
/// <item>A context token (segment 1) takes the teacher context tokens that overlap it (<see cref="TokenAlignment"/>'s
/// rule) in the one teacher window that best holds it: the window whose overlapping tokens cover the most of its
/// characters, then the one in which those tokens lie farthest from a window edge (the smaller of the counts of
/// context tokens before and after them, BERT's max-context rule), then the earlier window.</item>
/// <item>Question tokens and specials align, by <see cref="TokenAlignment"/>'s rules, in the student window's home
/// window: the teacher window chosen for most of its context tokens (the earlier on a tie; the first window when
/// none is chosen). So [CLS] takes the home window's [CLS], whose start and end logits score "no answer".</item>
/// <item>Span logits: a student token's start logit is the start logit of the first teacher token it takes, its end
/// logit the end logit of the last, so a span of student tokens scores as the teacher's span of the same
/// characters. Hidden states take the mean of the tokens taken.</item>
/// <item>A student token that takes nothing (no teacher window holds any of its characters) is unaligned: the KD
/// loss leaves it out.</item>
/// </list>
/// Teacher token indices count over the teacher windows laid end to end, in the order given to <see cref="Build"/>.
/// </summary>
internal sealed class QaWindowJoin
{
    private const int ContextSegment = 1;

    private readonly int[] windowOf;

    private QaWindowJoin(TokenAlignment tokens, int[] windowOf, int homeWindow)
    {
        Tokens = tokens;
        this.windowOf = windowOf;
        HomeWindow = homeWindow;
    }

    /// <summary>The student's tokens aligned to the teacher windows laid end to end.</summary>
    public TokenAlignment Tokens { get; }

    /// <summary>The teacher window the question tokens and specials align in.</summary>
    public int HomeWindow { get; }

    /// <summary>The teacher window student token <paramref name="student"/> aligns in; -1 when unaligned.</summary>
    public int WindowOf(int student) => windowOf[student];

    /// <summary>
    /// Writes the span logits on the student's tokens: <paramref name="teacher"/> holds (start, end) per teacher token
    /// of the windows laid end to end, <paramref name="into"/> (start, end) per student token (unaligned ones are left as they are).
    /// </summary>
    public void ApplySpanLogits(ReadOnlySpan<float> teacher, Span<float> into)
    {
        for (var s = 0; s < Tokens.StudentLength; s++)
        {
            var taken = Tokens.For(s);
            if (taken.Count == 0) continue;
            into[2 * s] = teacher[2 * taken[0].Teacher];
            into[2 * s + 1] = teacher[2 * taken[^1].Teacher + 1];
        }
    }

    /// <param name="teacherWindows">the teacher's windows of one example, e.g. its cached rows' offsets and segments</param>
    /// <param name="student">one student window of the same example</param>
    public static QaWindowJoin Build(IReadOnlyList<TokenSpans> teacherWindows, TokenSpans student)
    {
        ArgumentOutOfRangeException.ThrowIfZero(teacherWindows.Count);
        var perWindow = teacherWindows.Select(w => TokenAlignment.Build(w, student)).ToList();
        var windowOf = new int[student.Count];
        for (var s = 0; s < student.Count; s++)
        {
            windowOf[s] = student.Segments[s] == ContextSegment ? BestWindow(teacherWindows, perWindow, student.Range(s), s) : -1;
        }
        var chosen = windowOf.Where(w => w >= 0).ToList();
        var home = chosen.Count == 0 ? 0 : chosen.GroupBy(w => w).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).First().Key;
        for (var s = 0; s < student.Count; s++)
        {
            if (student.Segments[s] != ContextSegment) windowOf[s] = perWindow[home].IsAligned(s) ? home : -1;
        }

        var offsets = new int[teacherWindows.Count];
        for (var w = 1; w < offsets.Length; w++) offsets[w] = offsets[w - 1] + teacherWindows[w - 1].Count;
        var takes = windowOf.Select((w, s) => w < 0 ? [] : (IReadOnlyList<int>)perWindow[w].For(s).Select(p => offsets[w] + p.Teacher).ToList()).ToList();
        return new QaWindowJoin(TokenAlignment.Of(takes), windowOf, home);
    }

    /// <summary>The window that best holds context token <paramref name="s"/> (the rule above), or -1 when none overlaps it.</summary>
    private static int BestWindow(IReadOnlyList<TokenSpans> windows, IReadOnlyList<TokenAlignment> perWindow, (int Start, int End) range, int s)
    {
        var best = -1;
        var bestKey = (Covered: -1, Margin: -1);
        for (var w = 0; w < windows.Count; w++)
        {
            var taken = perWindow[w].For(s);
            if (taken.Count == 0) continue;
            var window = windows[w];
            var covered = taken.Sum(p => Math.Min(range.End, window.Range(p.Teacher).End) - Math.Max(range.Start, window.Range(p.Teacher).Start));
            var contextTokens = Enumerable.Range(0, window.Count).Where(t => window.Segments[t] == ContextSegment).ToList();
            var margin = Math.Min(taken[0].Teacher - contextTokens[0], contextTokens[^1] - taken[^1].Teacher);
            if (covered > bestKey.Covered || (covered == bestKey.Covered && margin > bestKey.Margin))
            {
                best = w;
                bestKey = (covered, margin);
            }
        }
        return best;
    }
}
