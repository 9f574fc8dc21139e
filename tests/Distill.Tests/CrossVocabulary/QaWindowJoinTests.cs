using Distill.CrossVocabulary;

namespace Distill.Tests.CrossVocabulary;

/// <summary>
/// Hand-made QA joins: each case writes the teacher windows of one example (question "q", context words at their
/// character ranges) and the student window, and expects the teacher tokens (indices over the teacher windows laid
/// end to end) each student token takes.
/// </summary>
public sealed class QaWindowJoinTests
{
    private const int Special = -1;
    private const int Question = 0;
    private const int Context = 1;

    /// <summary>[CLS] q [SEP] context... [SEP], the context tokens given as character ranges.</summary>
    private static TokenSpans Window(params (int Start, int End)[] context) =>
        new(new[] { 0, 0, 0, 1, 0, 0 }.Concat(context.SelectMany(c => new[] { c.Start, c.End })).Concat([0, 0]).ToArray(),
            new[] { Special, Question, Special }.Concat(context.Select(_ => Context)).Append(Special).ToArray());

    private static int[][] Map(QaWindowJoin join) =>
        Enumerable.Range(0, join.Tokens.StudentLength).Select(s => join.Tokens.For(s).Select(p => p.Teacher).ToArray()).ToArray();

    // "aa bb cc dd ee ff"
    private static readonly (int, int) Aa = (0, 2), Bb = (3, 5), Cc = (6, 8), Dd = (9, 11), Ee = (12, 14), Ff = (15, 17);

    [Fact]
    public void Build_TwoStudentWindowsOverThreeTeacherWindows_EachTokenTakesItsBestWindow()
    {
        // Teacher: 3 context tokens per window, stride 1 (windows start at 0, 7, 14 end to end).
        TokenSpans[] teacher = [Window(Aa, Bb, Cc), Window(Cc, Dd, Ee), Window(Ee, Ff)];

        var first = QaWindowJoin.Build(teacher, Window(Aa, Bb, Cc, Dd));
        var second = QaWindowJoin.Build(teacher, Window(Cc, Dd, Ee, Ff));

        // cc sits at an edge of both first teacher windows (margin 0 in each): the earlier wins; dd is only in the second.
        Assert.Equal([[0], [1], [2], [3], [4], [5], [11], [6]], Map(first));
        Assert.Equal(0, first.HomeWindow);
        // dd and ee align in teacher window 1, so its [CLS], question and [SEP]s are the student's.
        Assert.Equal([[7], [8], [9], [5], [11], [12], [18], [13]], Map(second));
        Assert.Equal(1, second.HomeWindow);
        Assert.Equal([1, 1, 1, 0, 1, 1, 2, 1], Enumerable.Range(0, 8).Select(second.WindowOf));
    }

    [Fact]
    public void Build_TeacherCutsWordIntoThreePiecesAtWindowEdge_WordTakesTheWindowHoldingAllPieces()
    {
        // "a playing b": teacher a pl ##ay ##ing b, 4 context tokens per window, stride 2; the student has "playing" whole.
        TokenSpans[] teacher = [Window((0, 1), (2, 4), (4, 6), (6, 9)), Window((4, 6), (6, 9), (10, 11))];
        var join = QaWindowJoin.Build(teacher, Window((0, 1), (2, 9), (10, 11)));

        // Window 0 covers all 7 characters of "playing", window 1 only the 5 of "aying" (##ay ##ing).
        Assert.Equal([[0], [1], [2], [3], [4, 5, 6], [13], [7]], Map(join));
        Assert.Equal(1f / 3, join.Tokens.For(4)[0].Weight, 6);

        var logits = SpanLogits(teacher);
        var into = new float[2 * join.Tokens.StudentLength];
        join.ApplySpanLogits(logits, into);
        // "playing" starts where pl starts (token 4) and ends where ##ing ends (token 6).
        Assert.Equal(4f, into[2 * 4]);
        Assert.Equal(106f, into[2 * 4 + 1]);
    }

    [Fact]
    public void Build_StudentPiecesOfOneTeacherWord_EachPieceTakesTheWordsLogits()
    {
        // "playing": the teacher has it whole in one window, the student as pl ##ay ##ing.
        TokenSpans[] teacher = [Window((0, 7))];
        var join = QaWindowJoin.Build(teacher, Window((0, 2), (2, 4), (4, 7)));

        var into = new float[2 * join.Tokens.StudentLength];
        join.ApplySpanLogits(SpanLogits(teacher), into);

        // A span of any of the pieces scores as the teacher's "playing": start 3, end 103.
        Assert.Equal([3f, 3f, 3f], new[] { into[6], into[8], into[10] });
        Assert.Equal([103f, 103f, 103f], new[] { into[7], into[9], into[11] });
    }

    [Fact]
    public void Build_AnswerCrossesTeacherWindowBoundary_SpanScoresStartInOneWindowAndEndInTheOther()
    {
        // Answer "bb cc dd": teacher windows aa bb cc | cc dd (none holds it whole); the student window holds it.
        TokenSpans[] teacher = [Window(Aa, Bb, Cc), Window(Cc, Dd)];
        var join = QaWindowJoin.Build(teacher, Window(Aa, Bb, Cc, Dd));

        var into = new float[2 * join.Tokens.StudentLength];
        join.ApplySpanLogits(SpanLogits(teacher), into);

        // Start of bb: teacher window 0's bb (token 4); end of dd: window 1's dd (token 7 + 4 = 11).
        Assert.Equal(4f, into[2 * 4]);
        Assert.Equal(111f, into[2 * 6 + 1]);
        Assert.Equal([0, 0, 0, 0, 0, 0, 1, 0], Enumerable.Range(0, 8).Select(join.WindowOf));
    }

    [Fact]
    public void Build_ContextNoTeacherWindowHolds_TokenUnalignedAndLogitsLeftAsTheyAre()
    {
        // The teacher's windows stop after bb (its context was cut); the student's goes on to cc.
        var join = QaWindowJoin.Build([Window(Aa, Bb)], Window(Aa, Bb, Cc));

        var into = Enumerable.Repeat(-1f, 14).ToArray();
        join.ApplySpanLogits(SpanLogits([Window(Aa, Bb)]), into);

        Assert.False(join.Tokens.IsAligned(5));
        Assert.Equal(-1, join.WindowOf(5));
        Assert.Equal([-1f, -1f], into[10..12]);
        Assert.True(join.Tokens.IsAligned(6));
    }

    /// <summary>(start, end) per teacher token laid end to end: start = its index, end = 100 + its index.</summary>
    private static float[] SpanLogits(IEnumerable<TokenSpans> windows) =>
        Enumerable.Range(0, windows.Sum(w => w.Count)).SelectMany(i => new[] { (float)i, 100f + i }).ToArray();
}
