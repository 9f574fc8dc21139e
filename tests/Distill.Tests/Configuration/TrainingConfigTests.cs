using Distill.DistillStudent.Configuration;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;

namespace Distill.Tests.Configuration;

public sealed class TrainingConfigTests
{
    private static TrainingConfig Valid() => new() { Model = "m", TrainFile = "t.jsonl", OutputDir = "out" };

    [Fact]
    public void Validate_Defaults_AreTheDocumentedOnes()
    {
        var config = Valid().Validate("test");

        Assert.Equal(3, config.NumEpochs);
        Assert.Equal(5e-5, config.LearningRate);
        Assert.Equal(32, config.BatchSize);
        Assert.Equal(128, config.MaxSeqLength);
        Assert.Equal(1, config.GradientAccumulationSteps);
        Assert.Equal(0.1, config.WarmupProportion);
        Assert.Equal(1.0, config.MaxGradNorm);
        Assert.Equal(1, config.CkptFrequency);
        Assert.Null(config.CkptSteps);
    }

    [Theory]
    [InlineData("num_epochs", 0, "num_epochs must be positive, found 0")]
    [InlineData("warmup_proportion", 1.5, "warmup_proportion must be in [0, 1), found 1.5")]
    [InlineData("gradient_accumulation_steps", -2, "gradient_accumulation_steps must be positive, found -2")]
    [InlineData("max_seq_length", 4, "max_seq_length must be at least 8, found 4")]
    [InlineData("num_steps", 0, "num_steps must be positive, found 0")]
    public void Load_BadValue_ErrorNamesTheField(string field, double value, string expected)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("train.json");
        File.WriteAllText(path, $$"""{"model":"m","train_file":"t","output_dir":"o","{{field}}":{{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""");

        var error = Assert.Throws<ConfigException>(() => TrainingConfig.Load(path).Validate(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Load_NumStepsAndCkptSteps_TextBrewersStepMode()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("train.json");
        File.WriteAllText(path, """{"model":"m","train_file":"t","output_dir":"o","num_steps":600,"ckpt_steps":200}""");

        var config = TrainingConfig.Load(path).Validate(path);

        Assert.Equal(600, config.NumSteps);
        Assert.Equal(200, config.CkptSteps);
        Assert.Null(Valid().NumSteps);
    }

    [Fact]
    public void Load_UnknownField_FailsNamingIt()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("train.json");
        File.WriteAllText(path, """{"model":"m","learning_rte":0.1}""");

        var error = Assert.Throws<ConfigException>(() => TrainingConfig.Load(path));

        Assert.Contains("learning_rte", error.Message);
    }

    [Fact]
    public void Validate_MissingRequiredAndUnknownTask_ListsAll()
    {
        var error = Assert.Throws<ConfigException>(() => new TrainingConfig { Task = "ner" }.Validate("cfg"));

        Assert.Contains("task \"ner\" is not known; known: classification, tagging, qa", error.Message);
        Assert.Contains("model is required", error.Message);
        Assert.Contains("train_file is required", error.Message);
        Assert.Contains("output_dir is required", error.Message);
    }

    [Fact]
    public void SaveLoad_RoundTrips()
    {
        using var dir = new TemporaryDirectory();
        var config = Valid() with { LearningRate = 3e-5, CkptSteps = 50, Task = "qa" };

        config.Save(dir.File("c.json"));

        Assert.Equal(config, TrainingConfig.Load(dir.File("c.json")));
    }
}
