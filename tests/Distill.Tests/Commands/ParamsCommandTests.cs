using System.Text.Json;
using Distill.DistillStudent;
using Distill.Models;
using Distill.Tests.Support;

namespace Distill.Tests.Commands;

public sealed class ParamsCommandTests
{
    [Fact]
    public void Params_TinyModelJson_TotalIsTheParameterCount()
    {
        using var dir = new TemporaryDirectory();
        using var model = TinyBert.Create();
        File.WriteAllText(dir.File("vocab.txt"), "[PAD]\n");
        ModelDirectory.Save(dir.Path, model, dir.File("vocab.txt"));

        var run = CliRun.Invoke(DistillStudentCli.Create(), "params", "--model", dir.Path, "--max-level", "2", "--json");

        Assert.Equal(0, run.ExitCode);
        var rows = JsonDocument.Parse(run.Output).RootElement.EnumerateArray().ToList();
        var total = model.parameters().Sum(p => p.NumberOfElements);
        Assert.Equal(total, rows[0].GetProperty("count").GetInt64());
        Assert.Contains(rows, r => r.GetProperty("path").GetString() == "encoder.layer");
        Assert.DoesNotContain(rows, r => r.GetProperty("path").GetString() == "encoder.layer.0");
    }

    [Fact]
    public void Params_Table_ShowsModulesIndented()
    {
        using var dir = new TemporaryDirectory();
        using var model = TinyBert.Create();
        File.WriteAllText(dir.File("vocab.txt"), "[PAD]\n");
        ModelDirectory.Save(dir.Path, model, dir.File("vocab.txt"));

        var run = CliRun.Invoke(DistillStudentCli.Create(), "params", "--model", dir.Path);

        Assert.True(run.ExitCode == 0, run.Error);
        Assert.Contains("\n      encoder.layer.0 ", run.Output);
        Assert.Contains("100.00", run.Output);
    }

    [Fact]
    public void Params_NotAModelDirectory_NamesTheMissingFile()
    {
        using var dir = new TemporaryDirectory();

        var run = CliRun.Invoke(DistillStudentCli.Create(), "params", "--model", dir.Path);

        Assert.True(run.ExitCode == Distill.Cli.ExitCodes.BadInput, run.Error);
        Assert.Contains("config.json is missing", run.Error);
    }

    [Fact]
    public void Params_MaxLevelZero_UsageError()
    {
        var run = CliRun.Invoke(DistillStudentCli.Create(), "params", "--model", ".", "--max-level", "0");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--max-level must be at least 1", run.Error);
    }
}
