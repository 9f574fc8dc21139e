using Distill.Cli;
using Distill.DistillStudent;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.Tests.Students;

/// <summary><c>init-student --arch bigru</c> through real command lines.</summary>
public sealed class BiGruStudentTests
{
    private static CliRun Init(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), ["init-student", .. args]);

    [Fact]
    public void InitStudent_ArchBiGru_TeachersTaskLabelsAndEmbeddingRows()
    {
        using var dir = new TemporaryDirectory();
        var teacher = StudentTeachers.Classifier(dir);
        var output = dir.File("student");

        var run = Init("--teacher", teacher, "--arch", "bigru", "--out", output, "--gru-layers", "3");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("BiGRU, 3 layers, hidden 8 per direction (16 out), embeddings 16", run.Output);
        Assert.Contains("labels [neg, neu, pos]", run.Output);
        Assert.Contains("1 tensors copied, 26 left random (PyTorch's GRU init, head N(0, 0.02))", run.Output);
        using var student = BiGruDirectory.Load(output, ["neg", "neu", "pos"]);
        Assert.Equal(TaskKind.Classification, student.Kind);
        Assert.Equal(3, student.Config.NumLayers);
        var copied = StudentTeachers.Weights(output)["embeddings.word_embeddings.weight"];
        Assert.True(copied.SameAs(StudentTeachers.Weights(teacher)["bert.embeddings.word_embeddings.weight"]));
        Assert.Equal(File.ReadAllBytes(Path.Combine(teacher, "vocab.txt")), File.ReadAllBytes(Path.Combine(output, "vocab.txt")));
    }

    [Fact]
    public void InitStudent_ArchBiGruOwnVocabulary_SharedTokensGetTheTeachersRows()
    {
        using var dir = new TemporaryDirectory();
        var teacher = StudentTeachers.Classifier(dir);
        var vocab = dir.Write("own.txt", "[PAD]\n[UNK]\n[CLS]\n[SEP]\ntok7\nnew\ntok2\n");
        var output = dir.File("student");

        var run = Init("--teacher", teacher, "--arch", "bigru", "--vocab", vocab, "--hidden", "4", "--out", output);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        using var student = BiGruDirectory.Load(output);
        Assert.Equal(7, student.Config.VocabSize);
        Assert.Equal(4, student.Config.HiddenSize);
        var rows = StudentTeachers.Weights(output)["embeddings.word_embeddings.weight"];
        var teacherRows = StudentTeachers.Weights(teacher)["bert.embeddings.word_embeddings.weight"];
        Assert.True(rows[4].SameAs(teacherRows[7]));
        Assert.True(rows[6].SameAs(teacherRows[2]));
        Assert.Contains("vocabulary: 7 tokens", run.Output);
    }

    [Fact]
    public void InitStudent_ArchBiGruFromAPlainEncoder_Exits3NamingIt()
    {
        using var dir = new TemporaryDirectory();
        var teacher = StudentTeachers.Encoder(dir);

        var run = Init("--teacher", teacher, "--arch", "bigru", "--out", dir.File("student"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains($"--arch bigru: the teacher {teacher} has no task head", run.Error);
        Assert.False(Directory.Exists(dir.File("student")));
    }

    [Theory]
    [InlineData("--layers", "0,1", "--arch bigru takes its shape from --hidden and --gru-layers, not --layers")]
    [InlineData("--arch", "lstm", "--arch \"lstm\" is not known; known: bert, bigru")]
    [InlineData("--gru-layers", "2", "--gru-layers goes with --arch bigru only")]
    public void InitStudent_BadArchOptions_Exits3NamingThem(string option, string value, string message)
    {
        using var dir = new TemporaryDirectory();
        var teacher = StudentTeachers.Classifier(dir);
        string[] arch = option == "--arch" ? [] : option == "--gru-layers" ? ["--preset", "T3"] : ["--arch", "bigru"];

        var run = Init(["--teacher", teacher, "--out", dir.File("student"), option, value, .. arch]);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains(message, run.Error);
    }
}
