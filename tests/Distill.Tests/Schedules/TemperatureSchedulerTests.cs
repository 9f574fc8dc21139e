using System.Text.Json;
using Distill.DistillStudent.Schedules;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.Tests.Schedules;

public sealed class TemperatureSchedulerTests
{
    [Fact]
    public void Temperature_Constant_ScalarBase()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var logits = zeros(2, 3);

        var tau = TemperatureScheduler.Temperature(TemperatureSchedule.Constant, 4, logits, logits);

        Assert.Equal(0, tau.dim());
        Assert.Equal(4f, tau.item<float>());
    }

    [Fact]
    public void Temperature_Flsw_PerExampleFromCosine()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // row 0: cos([1, 0], [0, 1]) = 0 → w = (1 − 0)² = 1; row 1: cos([1, 1], [2, 2]) = 1 → w = 0; mean(w) = .5
        // τ = 4 + (.5 − w)·2 → [4 − 1, 4 + 1] = [3, 5]
        var student = tensor(new[] { 1f, 0f, 1f, 1f }, [2, 2]);
        var teacher = tensor(new[] { 0f, 1f, 2f, 2f }, [2, 2]);

        var tau = TemperatureScheduler.Temperature(new TemperatureSchedule("flsw", 2, 2), 4, student, teacher);

        Assert.Equal([2L], tau.shape);
        Assert.Equal(3f, tau[0].item<float>(), 4);
        Assert.Equal(5f, tau[1].item<float>(), 4);
    }

    [Fact]
    public void Temperature_FlswAllZeroRow_FiniteThroughEps()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // row 0 all zeros: ŝ = 0/(0 + eps) = 0 → w = 1; row 1 as above w ≈ 0; mean .5; τ = 4 + (.5 − w)·2 → [3, 5]
        var student = tensor(new[] { 0f, 0f, 1f, 1f }, [2, 2]);
        var teacher = tensor(new[] { 0f, 1f, 2f, 2f }, [2, 2]);

        var tau = TemperatureScheduler.Temperature(new TemperatureSchedule("flsw", 2, 2), 4, student, teacher);

        Assert.Equal(3f, tau[0].item<float>(), 3);
        Assert.Equal(5f, tau[1].item<float>(), 3);
    }

    [Fact]
    public void Temperature_Cwsm_PerExampleFromStudentConfidence()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // row 0: max softmax([0, 0]) = .5 → w = 1/.501 = 1.996008; row 1: max softmax([ln3, 0]) = .75 → w = 1/.751 = 1.331558
        // mean = 1.663783; τ = 2 + (mean − w)·1 → [1.667775, 2.332225]
        var student = tensor(new[] { 0f, 0f, MathF.Log(3), 0f }, [2, 2]);

        var tau = TemperatureScheduler.Temperature(new TemperatureSchedule("cwsm", 1, 0), 2, student, zeros(2, 2));

        Assert.Equal(1.667775f, tau[0].item<float>(), 4);
        Assert.Equal(2.332225f, tau[1].item<float>(), 4);
    }

    [Fact]
    public void Temperature_FlswTokenLevelMask_MeanOverRealPositions()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // positions 0 and 1 as the flsw rows (w = 1, 0); padded position 2 has w = 1 but must not enter the mean (.5)
        var student = tensor(new[] { 1f, 0f, 1f, 1f, 1f, 0f }, [1, 3, 2]);
        var teacher = tensor(new[] { 0f, 1f, 2f, 2f, 0f, 1f }, [1, 3, 2]);

        var tau = TemperatureScheduler.Temperature(new TemperatureSchedule("flsw", 2, 2), 4, student, teacher, tensor(new long[] { 1, 1, 0 }, [1, 3]));

        Assert.Equal([1L, 3], tau.shape);
        Assert.Equal(3f, tau[0, 0].item<float>(), 4);
        Assert.Equal(5f, tau[0, 1].item<float>(), 4);
    }

    [Fact]
    public void Temperature_FlswAllZeroRow_StaysFiniteThroughEps()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // row 1 of the student is all zeros: x / ‖x‖ would be 0/0 for the whole batch's mean; with TextBrewer's eps
        // (1e-4) its unit vector is 0, w = (1 − 0)² = 1. Row 0: cos([3, 4], [3, 4]) ≈ 1 → w ≈ 0 (eps shortens both
        // unit vectors by 1e-4/5: ŝ·t̂ = (5/(5 + 1e-4))² = 0.99996, w = 1.6e-9). τ = 4 + (mean − w)·2.
        var student = tensor(new[] { 3f, 4f, 0f, 0f }, [2, 2]);
        var teacher = tensor(new[] { 3f, 4f, 1f, 0f }, [2, 2]);

        var tau = TemperatureScheduler.Temperature(new TemperatureSchedule("flsw", 2, 2), 4, student, teacher);

        Assert.Equal(5f, tau[0].item<float>(), 4);
        Assert.Equal(3f, tau[1].item<float>(), 4);
    }

    [Fact]
    public void Parse_FlswWithEps_ReadsTheFourthArgument()
    {
        Assert.Equal(new TemperatureSchedule("flsw", 1, 2, 0.01), TemperatureSchedule.Parse(JsonDocument.Parse("[\"flsw\", 1, 2, 0.01]").RootElement));
        Assert.Equal(1e-4, TemperatureSchedule.Parse(JsonDocument.Parse("[\"flsw\", 1, 2]").RootElement).Eps);
    }

    [Theory]
    [InlineData("\"none\"", "none", 0, 0)]
    [InlineData("\"constant\"", "constant", 0, 0)]
    [InlineData("[\"flsw\", 1, 2]", "flsw", 1, 2)]
    [InlineData("[\"cwsm\", 0.5]", "cwsm", 0.5, 0)]
    [InlineData("[\"cwsm\", {\"beta\": 0.5}]", "cwsm", 0.5, 0)]
    [InlineData("[\"flsw\", {\"beta\": 1, \"gamma\": 2}]", "flsw", 1, 2)]
    public void Parse_TextBrewerForms_Read(string json, string name, double beta, double gamma)
    {
        Assert.Equal(new TemperatureSchedule(name, beta, gamma), TemperatureSchedule.Parse(JsonDocument.Parse(json).RootElement));
    }

    [Theory]
    [InlineData("[\"flsw\", 1, 2, 0.5]")]
    [InlineData("[\"flsw\", {\"beta\": 1, \"gamma\": 2, \"eps\": 0.5}]")]
    public void Parse_FlswEps_PositionalOrNamed(string json)
    {
        Assert.Equal(new TemperatureSchedule("flsw", 1, 2, 0.5), TemperatureSchedule.Parse(JsonDocument.Parse(json).RootElement));
    }

    [Theory]
    [InlineData("[\"flsw\", 1, 2, 0]")]
    [InlineData("[\"flsw\", {\"beta\": 1, \"gamma\": 2, \"eps\": 0}]")]
    public void Parse_FlswEpsZero_AcceptedAsTextBrewerTakesIt(string json)
    {
        // TextBrewer's flsw_temperature_scheduler_builder(beta, gamma, eps) takes eps = 0 (the bare norm) unchecked.
        Assert.Equal(new TemperatureSchedule("flsw", 1, 2, 0), TemperatureSchedule.Parse(JsonDocument.Parse(json).RootElement));
    }

    [Theory]
    [InlineData("[\"flsw\", 1]", "temperature_scheduler \"flsw\" needs gamma: [\"flsw\", beta, gamma, eps?]")]
    [InlineData("[\"cwsm\", -1]", "temperature_scheduler[1] (beta) must be a positive number, found -1")]
    [InlineData("[\"flsw\", 1, 2, -1]", "temperature_scheduler[3] (eps) must be a number ≥ 0, found -1")]
    [InlineData("[\"flsw\", 0, 2]", "temperature_scheduler[1] (beta) must be a positive number, found 0")]
    [InlineData("\"flsw\"", "temperature_scheduler \"flsw\" needs beta")]
    [InlineData("[\"cosine\", 1]", "temperature_scheduler \"cosine\" is not known; known: none, constant, cwsm, flsw")]
    [InlineData("[\"flsw\", 1, 2, 1e-4, 5]", "temperature_scheduler for flsw takes 3 argument(s) [\"flsw\", beta, gamma, eps?], found 4")]
    [InlineData("[\"flsw\", {\"beta\": 1, \"gama\": 2}]", "temperature_scheduler[1].gama is not an argument of flsw")]
    [InlineData("4", "temperature_scheduler must be")]
    public void Parse_BadForms_NameTheField(string json, string message)
    {
        var error = Assert.Throws<ConfigException>(() => TemperatureSchedule.Parse(JsonDocument.Parse(json).RootElement));

        Assert.Contains(message, error.Message);
    }
}
