using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.MultiTask;
using Distill.Models;
using Distill.Errors;

namespace Distill.Tests.MultiTask;

public sealed class MultiTaskConfigTests
{
    private static MultiTaskConfig Config(string? distiller, double tau) => new()
    {
        Training = new TrainingConfig { Model = "student", OutputDir = "out" },
        Distiller = distiller,
        NumSteps = 10,
        Tau = tau,
        Tasks = [new TaskEntry { Name = "a", Task = "classification", Train = "a.jsonl", Cache = "a-cache" }],
    };

    [Fact]
    public void Validate_TextBrewerNameAndNegativeTau_Accepted()
    {
        var config = Config("multitask", -1).Validate("multitask.json");

        Assert.Equal("multitask", config.DistillerName);
        Assert.Equal(-1, config.Tau);
    }

    [Fact]
    public void Validate_MultiTeacherDistiller_RefusedWithTheReason()
    {
        var error = Assert.Throws<ConfigException>(() => Config("multiteacher", 1).Validate("multitask.json"));

        Assert.Contains("distiller \"multiteacher\" does not apply to a multi-task run (one teacher per task)", error.Message);
    }
}
