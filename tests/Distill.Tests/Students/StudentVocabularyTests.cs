using Distill.Cli;
using Distill.DistillStudent;
using Distill.DistillStudent.Students;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Tasks;

namespace Distill.Tests.Students;

public sealed class StudentVocabularyTests
{
    // Shares [PAD] (teacher id 0), tok7 and tok3 with the tiny teacher's vocabulary; the other four are new.
    private const string OwnVocabulary = "[PAD]\n[UNK]\n[CLS]\n[SEP]\ntok7\ntok3\nnew1\n";

    [Fact]
    public void Write_OwnVocabularyWithTeacherLayers_SharedRowsAreTeachersOthersInitialised()
    {
        using var dir = new TemporaryDirectory();
        var teacherDir = StudentTeachers.Classifier(dir);
        var vocab = dir.Write("own-vocab.txt", OwnVocabulary);
        var output = Path.Combine(dir.Path, "student");

        var report = StudentBuilder.Write(new StudentRequest { Teacher = teacherDir, Output = output, Layers = [0, 2], Vocab = vocab });

        var (student, _) = TaskModelDirectory.Load(output, TaskKind.Classification);
        using var __ = student;
        var rows = student.state_dict()["bert.embeddings.word_embeddings.weight"];
        var teacherRows = StudentTeachers.Weights(teacherDir)["bert.embeddings.word_embeddings.weight"];
        Assert.Equal([7L, 16L], rows.shape);
        Assert.Equal((7, 0), (student.Config.VocabSize, student.Config.PadTokenId));
        Assert.Equal(OwnVocabulary, File.ReadAllText(Path.Combine(output, "vocab.txt")));
        foreach (var (studentId, teacherId) in new[] { (0, 0), (4, 7), (5, 3) })
        {
            Assert.True(rows[studentId].SameAs(teacherRows[teacherId]), $"student row {studentId} is not teacher row {teacherId}");
        }
        var range = student.Config.InitializerRange;
        foreach (var studentId in new[] { 1, 2, 3, 6 })
        {
            // N(0, initializer_range) over 16 values: not zero and within 6 standard deviations.
            var row = rows[studentId];
            Assert.True(row.abs().max().item<float>() < 6 * range && row.abs().sum().item<float>() > 0, $"student row {studentId}");
            Assert.Equal(0, rows[studentId].unsqueeze(0).eq(teacherRows).all(1).sum().item<long>());
        }
        Assert.Equal(new VocabularyCopy(Path.GetFullPath(vocab), 7, 3), report.Vocabulary);
        Assert.Equal(Path.GetFullPath(vocab), BertConfig.Load(Path.Combine(output, "config.json")).Extra![StudentBuilder.OriginKey].GetProperty("vocab").GetString());
        Assert.Empty(report.Weights.LeftRandom);
        Assert.Contains("bert.embeddings.word_embeddings.weight", report.Weights.Copied);
    }

    [Fact]
    public void InitStudent_OwnVocabularyWithPreset_ReportsRowsAndConfig()
    {
        using var dir = new TemporaryDirectory();
        var vocab = dir.Write("own-vocab.txt", OwnVocabulary);
        var output = Path.Combine(dir.Path, "student");
        var config = (StudentTeachers.Config with { NumHiddenLayers = 1 }) with { VocabSize = 7 };
        config.Save(dir.File("student-config.json"));

        var run = CliRun.Invoke(DistillStudentCli.Create(), "init-student", "--teacher", StudentTeachers.Encoder(dir), "--config", dir.File("student-config.json"), "--vocab", vocab, "--out", output);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains($"vocabulary: 7 tokens from {vocab}; 3 embedding rows copied from the teacher, 4 initialised", run.Output);
        Assert.Equal(7, BertConfig.Load(Path.Combine(output, "config.json")).VocabSize);
    }

    [Fact]
    public void InitStudent_ConfigVocabSizeNotTheVocabularys_OneErrorLineExit3()
    {
        using var dir = new TemporaryDirectory();
        var vocab = dir.Write("own-vocab.txt", OwnVocabulary);
        StudentTeachers.Config.Save(dir.File("student-config.json"));
        var output = Path.Combine(dir.Path, "student");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "init-student", "--teacher", StudentTeachers.Encoder(dir), "--config", dir.File("student-config.json"), "--vocab", vocab, "--out", output);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal($"error: {dir.File("student-config.json")}: vocab_size 50 differs from the 7 tokens of --vocab {vocab}", run.Error.TrimEnd());
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void InitStudent_VocabularyWithoutCls_OneErrorLineExit3()
    {
        using var dir = new TemporaryDirectory();
        var vocab = dir.Write("own-vocab.txt", "[PAD]\n[UNK]\n[SEP]\ntok3\n");
        var output = Path.Combine(dir.Path, "student");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "init-student", "--teacher", StudentTeachers.Encoder(dir), "--layers", "0", "--vocab", vocab, "--out", output);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal($"error: --vocab {vocab}: no [CLS] among its 4 tokens; BERT inputs need [PAD], [UNK], [CLS] and [SEP]", run.Error.TrimEnd());
        Assert.False(Directory.Exists(output));
    }
}
