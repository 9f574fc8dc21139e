using Distill.Cli;
using Distill.DistillStudent;
using Distill.DistillStudent.Students;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Tokenization;

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
        var teacher = Path.Combine(dir.Path, "teacher");
        Directory.CreateDirectory(teacher);
        File.WriteAllText(Path.Combine(teacher, ModelDirectory.VocabFile), string.Join("\n", Teacher) + "\n");
        (StudentTeachers.Config with { VocabSize = Teacher.Length }).Save(Path.Combine(teacher, ModelDirectory.ConfigFile));
        var data = dir.Write("train.csv", "label,text\n1,abc ab\n0,AB ca\n");
        var output = Path.Combine(dir.Path, "student-vocab.txt");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "build-vocab", "--teacher", teacher, "--data", data, "--size", "13", "--out", output);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("13 entries from 2 examples", run.Output);
        Assert.Equal(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "c", "b", "a", "##a", "##b", "##c", "ab", "ca"], File.ReadAllLines(output));
    }
}
