using Distill.Cli;
using Distill.DistillStudent;
using Distill.Models;
using Distill.Tests.Support;

namespace Distill.Tests.Students;

public sealed class InitStudentCommandTests
{
    [Fact]
    public void InitStudent_Layers_WritesLoadableStudentAndSaysWhatItDid()
    {
        using var dir = new TemporaryDirectory();
        var teacher = StudentTeachers.Encoder(dir);
        var output = Path.Combine(dir.Path, "student");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "init-student", "--teacher", teacher, "--layers", "0,2", "--out", output);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("teacher layers [0,2]", run.Output);
        Assert.Contains("0 left random", run.Output);
        Assert.Contains("parameters: student", run.Output);
        using var student = ModelDirectory.LoadBert(output);
        Assert.Equal(2, student.Config.NumHiddenLayers);
        Assert.Equal([output], Directory.GetDirectories(dir.Path, "student*"));
    }

    [Fact]
    public void InitStudent_Preset_Succeeds()
    {
        using var dir = new TemporaryDirectory();
        var output = Path.Combine(dir.Path, "student");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "init-student", "--teacher", StudentTeachers.Classifier(dir), "--preset", "T12-nano", "--out", output, "--seed", "3");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("12 layers, hidden 256, 4 heads, FFN 1024; preset T12-nano", run.Output);
        Assert.Contains("labels [neg, neu, pos]", run.Output);
    }

    [Theory]
    [InlineData("--preset", "T5", "student preset \"T5\" is not known; known: T6, T3, T3-small, T4-tiny, T12-nano")]
    [InlineData("--layers", "0,3", "indices must be in [0, 3)")]
    [InlineData("--layers", "zero", "\"zero\" is not a layer index")]
    public void InitStudent_BadChoice_OneErrorLineExit3AndNoOutput(string option, string value, string message)
    {
        using var dir = new TemporaryDirectory();
        var teacher = StudentTeachers.Encoder(dir);
        var output = Path.Combine(dir.Path, "student");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "init-student", "--teacher", teacher, option, value, "--out", output);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.StartsWith("error: ", run.Error);
        Assert.Contains(message, run.Error);
        Assert.Single(run.Error.TrimEnd().Split('\n'));
        Assert.Empty(Directory.GetDirectories(dir.Path, "student*"));
    }

    [Fact]
    public void InitStudent_OutputNotEmpty_RefusesAndKeepsIt()
    {
        using var dir = new TemporaryDirectory();
        var teacher = StudentTeachers.Encoder(dir);

        var run = CliRun.Invoke(DistillStudentCli.Create(), "init-student", "--teacher", teacher, "--preset", "T3", "--out", teacher);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("already exists and is not empty", run.Error);
        Assert.True(File.Exists(Path.Combine(teacher, "model.safetensors")));
    }

    [Fact]
    public void InitStudent_NoSource_Exit3()
    {
        using var dir = new TemporaryDirectory();

        var run = CliRun.Invoke(DistillStudentCli.Create(), "init-student", "--teacher", StudentTeachers.Encoder(dir), "--out", dir.File("s"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("choose exactly one of --preset, --layers, --config, --from (found none)", run.Error);
    }
}
