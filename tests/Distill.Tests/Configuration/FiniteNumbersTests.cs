using Distill.Cli;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;

namespace Distill.Tests.Configuration;

/// <summary>Infinity and NaN are refused where configurations are validated, naming the field (they passed "must be positive").</summary>
public sealed class FiniteNumbersTests
{
    [Fact]
    public void Problems_NonFiniteFieldsAtAnyDepth_EachNamedByItsJsonPath()
    {
        var config = new DistillationConfig
        {
            Temperature = double.PositiveInfinity,
            IntermediateMatches = [new IntermediateMatch(), new IntermediateMatch { Weight = double.NaN }],
        };

        Assert.Equal(["temperature must be a finite number, found Infinity", "intermediate_matches[1].weight must be a finite number, found NaN"],
            FiniteNumbers.Problems(config));
        Assert.Empty(FiniteNumbers.Problems(new TrainingConfig()));
    }

    [Fact]
    public void Train_LrInfinity_RefusedAtValidationWithBadInputAndNoOutputDirectory()
    {
        using var dir = new TemporaryDirectory();

        var run = CliRun.Invoke(DistillStudentCli.Create(), "train", "--task", "classification", "--model", dir.File("model"),
            "--train", dir.Write("train.jsonl", """{"text": "a", "label": "pos"}""" + "\n"), "--out", dir.File("out"), "--lr", "Infinity");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("error: command line: learning_rate must be a finite number, found Infinity", run.Error.Trim());
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public void Load_1e999InAConfigFile_RefusedNamingTheField()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("distill.json", """{"temperature": 1e999, "kd_loss_weight": -1e999}""");

        var error = Assert.Throws<ConfigException>(() => DistillationConfig.Load(path));

        Assert.Contains("temperature must be a finite number, found Infinity", error.Message);
        Assert.Contains("kd_loss_weight must be a finite number, found -Infinity", error.Message);
    }
}
