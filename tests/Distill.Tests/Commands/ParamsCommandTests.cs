using System.Text.Json;
using Distill.DistillStudent;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Models.Heads;
using Distill.Tasks;

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
    public void Params_TaskModel_CountsTheHeadAndSaysSo()
    {
        using var dir = new TemporaryDirectory();
        using var model = Distill.Tests.Export.TinyExportModels.Create(TaskKind.Classification);
        File.WriteAllText(dir.File("vocab.txt"), "[PAD]\n");
        TaskModelDirectory.Save(dir.Path, (BertTaskModel)model.Module, Distill.Tests.Export.TinyExportModels.Labels, dir.File("vocab.txt"));

        var table = CliRun.Invoke(DistillStudentCli.Create(), "params", "--model", dir.Path, "--max-level", "1");
        var json = CliRun.Invoke(DistillStudentCli.Create(), "params", "--model", dir.Path, "--max-level", "1", "--json");

        Assert.True(table.ExitCode == 0, table.Error);
        var rows = JsonDocument.Parse(json.Output).RootElement.EnumerateArray().ToDictionary(r => r.GetProperty("path").GetString()!, r => r.GetProperty("count").GetInt64());
        // The head: 3 labels × hidden 32 weights + 3 biases, beside every parameter of the encoder and its pooler.
        Assert.Equal(3 * 32 + 3, rows["classifier"]);
        Assert.Equal(model.Module.parameters().Sum(p => p.NumberOfElements), rows["(total)"]);
        Assert.Equal(model.Encoder.parameters().Sum(p => p.NumberOfElements), rows["bert"]);
        Assert.Contains("(total) is every value of the ", table.Output, StringComparison.Ordinal);
        Assert.Contains("task head and pooler included", table.Output, StringComparison.Ordinal);
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
        Assert.Contains("model.safetensors is missing", run.Error);
    }

    [Fact]
    public void Params_MaxLevelZero_UsageError()
    {
        var run = CliRun.Invoke(DistillStudentCli.Create(), "params", "--model", ".", "--max-level", "0");

        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("--max-level must be at least 1", run.Error);
    }
}
