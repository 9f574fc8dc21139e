using Distill.CrossVocabulary;
using Distill.Tests.Support;
using Distill.Tokenization;

namespace Distill.Tests.CrossVocabulary;

/// <summary>
/// Hand-made alignments: each case writes out the student → teacher map it expects, as the teacher token indices
/// each student token takes (all with equal weight).
/// </summary>
public sealed class TokenAlignmentTests
{
    private const int Special = -1;

    private static TokenSpans Spans(params (int Start, int End, int Segment)[] tokens) =>
        new(tokens.SelectMany(t => new[] { t.Start, t.End }).ToArray(), tokens.Select(t => t.Segment).ToArray());

    private static int[][] Map(TokenAlignment alignment) =>
        Enumerable.Range(0, alignment.StudentLength).Select(s => alignment.For(s).Select(p => p.Teacher).ToArray()).ToArray();

    private static void AssertMap(int[][] expected, TokenAlignment alignment)
    {
        Assert.Equal(expected, Map(alignment));
        for (var s = 0; s < alignment.StudentLength; s++)
        {
            Assert.Equal(expected[s].Length > 0, alignment.IsAligned(s));
            Assert.All(alignment.For(s), p => Assert.Equal(1f / expected[s].Length, p.Weight, 6));
        }
    }

    // "playing": the teacher has it whole, the student as pl ##ay ##ing.
    private static readonly TokenSpans OnePiece = Spans((0, 0, Special), (0, 7, 0), (0, 0, Special));
    private static readonly TokenSpans ThreePieces = Spans((0, 0, Special), (0, 2, 0), (2, 4, 0), (4, 7, 0), (0, 0, Special));

    [Fact]
    public void Build_StudentSplitsWordTeacherHasWhole_EachPieceTakesTheWord()
    {
        AssertMap([[0], [1], [1], [1], [2]], TokenAlignment.Build(teacher: OnePiece, student: ThreePieces));
    }

    [Fact]
    public void Build_TeacherSplitsWordStudentHasWhole_WordTakesTheMeanOfThePieces()
    {
        var alignment = TokenAlignment.Build(teacher: ThreePieces, student: OnePiece);

        AssertMap([[0], [1, 2, 3], [4]], alignment);
        Assert.Equal([(1, 1f / 3), (2, 1f / 3), (3, 1f / 3)], alignment.For(1));
    }

    [Fact]
    public void Build_PiecesStraddlingEachOther_EachTakesEveryOverlap()
    {
        // "unhappy": teacher un ##hap ##py, student unh ##appy.
        var teacher = Spans((0, 0, Special), (0, 2, 0), (2, 5, 0), (5, 7, 0), (0, 0, Special));
        var student = Spans((0, 0, Special), (0, 3, 0), (3, 7, 0), (0, 0, Special));

        AssertMap([[0], [1, 2], [2, 3], [4]], TokenAlignment.Build(teacher, student));
    }

    [Fact]
    public void Build_TextBPairWithTheSameOffsets_SegmentsDoNotMix()
    {
        // "a" / "a b": both texts start at offset 0 of their own segment.
        var teacher = Spans((0, 0, Special), (0, 1, 0), (0, 0, Special), (0, 1, 1), (2, 3, 1), (0, 0, Special));
        var student = Spans((0, 0, Special), (0, 1, 0), (0, 0, Special), (0, 3, 1), (0, 0, Special));

        AssertMap([[0], [1], [2], [3, 4], [5]], TokenAlignment.Build(teacher, student));
    }

    [Fact]
    public void Build_StudentWindowLongerThanTeachers_TokensBeyondAreUnalignedSepsStillPair()
    {
        // "a b c d": the teacher was truncated after "b" (max length 4), the student after "c".
        var teacher = Spans((0, 0, Special), (0, 1, 0), (2, 3, 0), (0, 0, Special));
        var student = Spans((0, 0, Special), (0, 1, 0), (2, 3, 0), (4, 5, 0), (0, 0, Special));

        AssertMap([[0], [1], [2], [], [3]], TokenAlignment.Build(teacher, student));
    }

    [Fact]
    public void Build_TeacherWindowLongerThanStudents_TokensBeyondAreNotTaken()
    {
        var teacher = Spans((0, 0, Special), (0, 1, 0), (2, 3, 0), (4, 5, 0), (0, 0, Special));
        var student = Spans((0, 0, Special), (0, 1, 0), (0, 0, Special));

        AssertMap([[0], [1], [4]], TokenAlignment.Build(teacher, student));
    }

    [Fact]
    public void Build_PairTruncatedOnOneSide_EachSepTakesItsOwnSep()
    {
        // The teacher kept one token of text_b, the student two.
        var teacher = Spans((0, 0, Special), (0, 1, 0), (0, 0, Special), (0, 1, 1), (0, 0, Special));
        var student = Spans((0, 0, Special), (0, 1, 0), (0, 0, Special), (0, 1, 1), (2, 3, 1), (0, 0, Special));

        AssertMap([[0], [1], [2], [3], [], [4]], TokenAlignment.Build(teacher, student));
    }

    [Fact]
    public void Apply_WeightedMeanOfTheTakenRows_UnalignedRowsUntouched()
    {
        // Teacher rows (width 2): [CLS] (1, 2), un (10, 0), ##hap (20, 4), ##py (0, 8), [SEP] (5, 5).
        var teacher = Spans((0, 0, Special), (0, 2, 0), (2, 5, 0), (5, 7, 0), (0, 0, Special));
        var student = Spans((0, 0, Special), (0, 3, 0), (3, 7, 0), (8, 9, 0), (0, 0, Special));
        float[] rows = [1, 2, 10, 0, 20, 4, 0, 8, 5, 5];
        var into = new float[5 * 2];
        Array.Fill(into, -1f, 6, 2);

        TokenAlignment.Build(teacher, student).Apply(rows, into, width: 2);

        // unh = mean(un, ##hap) = (15, 2); ##appy = mean(##hap, ##py) = (10, 6); the unaligned row stays (-1, -1) + nothing.
        Assert.Equal([1, 2, 15, 2, 10, 6, -1, -1, 5, 5], into);
    }

    // The two tokenizers below read the same text through different vocabularies, lower-casing and stripping accents.
    private const string TeacherVocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nworld\n!\nnaive\n中\n文\n";
    private const string StudentVocab = "[PAD]\n[UNK]\n[CLS]\n[SEP]\nhe\n##llo\nw\n##or\n##ld\n!\n中\n";

    private static TokenAlignment Tokenized(string text)
    {
        using var dir = new TemporaryDirectory();
        var teacher = WordPieceEncoder.FromVocabFile(dir.Write("teacher.txt", TeacherVocab)).Encode(text);
        var student = WordPieceEncoder.FromVocabFile(dir.Write("student.txt", StudentVocab)).Encode(text);
        return TokenAlignment.Build(TokenSpans.Of(teacher), TokenSpans.Of(student));
    }

    [Fact]
    public void Build_AccentsAndPunctuation_OffsetsOfTheOriginalTextAlign()
    {
        // "He\u0301llo" is 6 characters (a combining accent); stripping it changes no offset: both sides point at the
        // original text. Teacher: [CLS] hello world ! [SEP]; student: [CLS] he ##llo w ##or ##ld ! [SEP].
        AssertMap([[0], [1], [1], [2], [2], [2], [3], [4]], Tokenized("He\u0301llo WÖRLD!"));
    }

    [Fact]
    public void Build_UnknownOnTheStudentSideOnly_UnknownTakesTheTeachersWord()
    {
        // "naïve": the teacher has "naive"; the student has no pieces for it and reads [UNK] over the whole word.
        AssertMap([[0], [1], [2], [3]], Tokenized("naïve !"));
    }

    [Fact]
    public void Build_UnknownOnTheTeacherSideOnly_EachPieceTakesTheUnknown()
    {
        // "wld": the teacher has no pieces for it and reads [UNK] over the whole word; the student reads w ##ld.
        AssertMap([[0], [1], [1], [2]], Tokenized("wld"));
    }

    [Fact]
    public void Build_CjkCharacters_OneTokenPerCharacterAlignsCharacterToCharacter()
    {
        // BERT splits CJK text into single characters: teacher 中 文, student 中 [UNK].
        AssertMap([[0], [1], [2], [3]], Tokenized("中文"));
    }
}
