using Distill.Cli;
using Distill.DistillStudent;
using Distill.DistillStudent.Students;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Tokenization;
using Distill.Errors;

namespace Distill.Tests.Students;

public sealed class VocabularyBuilderTests
{
    // Teacher order deliberately not alphabetical, with an unused slot and pieces absent from the data.
    private static readonly string[] Teacher =
    [
        "[PAD]", "[unused0]", "[UNK]", "[CLS]", "[SEP]", "[MASK]",
        "c", "b", "a", "x", "##a", "##b", "##c", "##x", "ca", "ab", "abc", "zz",
    ];

    // Words "abc", "ab", "AB" (lower-cased), "ca": teacher pieces abc ×1, ab ×2, ca ×1; characters a, b, c only.
    private static readonly string[] Texts = ["abc ab", "AB ca"];

    private static IReadOnlyList<string> Build(TemporaryDirectory dir, int size) =>
        VocabularyBuilder.Build(Teacher, WordPieceEncoder.FromVocabFile(dir.Write("vocab.txt", string.Join("\n", Teacher) + "\n")), Texts, size);

    [Fact]
    public void Build_LargeSize_SpecialsThenDataCharactersThenPiecesByUse()
    {
        using var dir = new TemporaryDirectory();

        var vocabulary = Build(dir, 100);

        Assert.Equal(
            ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "c", "b", "a", "##a", "##b", "##c", "ab", "ca", "abc"],
            vocabulary);
    }

    [Fact]
    public void Build_SizeBelowAllPieces_KeepsMostUsedFirst()
    {
        using var dir = new TemporaryDirectory();

        var vocabulary = Build(dir, 12);

        Assert.Equal(12, vocabulary.Count);
        Assert.Equal("ab", vocabulary[^1]);
    }

    [Fact]
    public void Build_SizeBelowSpecialsAndCharacters_ThrowsNamingTheNeed()
    {
        using var dir = new TemporaryDirectory();

        var error = Assert.Throws<ConfigException>(() => Build(dir, 10));

        Assert.Contains("--size 10 is too small", error.Message);
        Assert.Contains("need 11 entries", error.Message);
    }

    [Fact]
    public void BuildVocab_ClassificationData_WritesVocabularyFile()
    {
        using var dir = new TemporaryDirectory();
        var teacher = TeacherDirectory(dir);
        var data = dir.Write("train.csv", "label,text\n1,abc ab\n0,AB ca\n");
        var output = Path.Combine(dir.Path, "student-vocab.txt");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "build-vocab", "--teacher", teacher, "--data", data, "--size", "13", "--out", output);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("13 entries from 2 examples", run.Output);
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "c", "b", "a", "##a", "##b", "##c", "ab", "ca"], File.ReadAllLines(output));
    }

    // Words abc, ab ×2 (AB lower-cased), cad: the characters a b c d, each also seen after a word's first; pair
    // counts a ##b 3, ##b ##c 1, c ##a 1, ##a ##d 1, so with the default minimum frequency of 2 the one merge is ab.
    private const string LearnData = "label,text\n1,abc ab\n0,AB cad\n";

    private static readonly string[] Learnt = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "c", "d", "##a", "##b", "##c", "##d", "ab"];

    // With the (uncased) teacher the report also counts the learnt entries it has: all but d and ##d. Without one
    // the data is read uncased all the same.
    [Theory]
    [InlineData(true, "; 12 of them in the teacher's 18")]
    [InlineData(false, "")]
    public void BuildVocab_Learn_WritesLearntVocabulary(bool withTeacher, string teacherPart)
    {
        using var dir = new TemporaryDirectory();
        var output = dir.File("vocab.txt");

        var run = BuildVocab(dir, withTeacher ? ["--learn", "--teacher", TeacherDirectory(dir)] : ["--learn"]);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Equal(Learnt, File.ReadAllLines(output));
        Assert.Equal($"build-vocab: 14 entries learnt from 2 examples written to {output}{teacherPart}", run.Output.TrimEnd());
    }

    [Fact]
    public void Run_LearnWithCasedTeacher_KeepsTheCase()
    {
        using var dir = new TemporaryDirectory();
        var teacher = TeacherDirectory(dir, lowerCase: false);
        var output = Path.Combine(dir.Path, "learnt.txt");

        var report = VocabularyBuilder.Run(new VocabularyRequest { Data = dir.Write("train.csv", LearnData), Size = 100, Output = output, Teacher = teacher, Learn = true });

        // A and B are words' first characters, B also a continuation (AB); a ##b now counts 2 (abc, ab).
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "A", "B", "a", "b", "c", "d", "##B", "##a", "##b", "##c", "##d", "ab"], File.ReadAllLines(output));
        Assert.Equal(new VocabularyReport(output, 17, 2, Learnt: true, (12, Teacher.Length)), report);
    }

    [Fact]
    public void BuildVocab_NeitherTeacherNorLearn_Exits3NamingBoth()
    {
        using var dir = new TemporaryDirectory();

        var run = BuildVocab(dir, []);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("error: build-vocab needs --teacher (the vocabulary is made of its pieces), or --learn to learn one from the data", run.Error.TrimEnd());
        Assert.False(File.Exists(dir.File("vocab.txt")));
    }

    [Fact]
    public void BuildVocab_MinFrequencyWithoutLearn_Exits3()
    {
        using var dir = new TemporaryDirectory();

        var run = BuildVocab(dir, ["--teacher", TeacherDirectory(dir), "--min-frequency", "1"]);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("error: --min-frequency and --limit-alphabet go with --learn only", run.Error.TrimEnd());
        Assert.False(File.Exists(dir.File("vocab.txt")));
    }

    private static CliRun BuildVocab(TemporaryDirectory dir, string[] options) =>
        CliRun.Invoke(DistillStudentCli.Create(), ["build-vocab", .. options, "--data", dir.Write("train.csv", LearnData), "--size", "100", "--out", dir.File("vocab.txt")]);

    private static string TeacherDirectory(TemporaryDirectory dir, bool lowerCase = true)
    {
        var teacher = Path.Combine(dir.Path, "teacher");
        Directory.CreateDirectory(teacher);
        File.WriteAllText(Path.Combine(teacher, ModelDirectory.VocabFile), string.Join("\n", Teacher) + "\n");
        (StudentTeachers.Config with { VocabSize = Teacher.Length, DoLowerCase = lowerCase }).Save(Path.Combine(teacher, ModelDirectory.ConfigFile));
        return teacher;
    }
}
