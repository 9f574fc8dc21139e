using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Teachers;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Teachers;

public sealed class TeacherEnsembleTests
{
    private static readonly float Ln3 = MathF.Log(3);

    [Fact]
    public void MeanLogits_TwoTeachersThenCeAtTemperatureTwo_MatchesHandValue()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // mean([3·ln3, 0], [ln3, 0]) = [2·ln3, 0]; at T = 2: softmax([ln3, 0]) = [3/4, 1/4].
        // The student [0, 2·ln3] at T = 2: log softmax([0, ln3]) = [ln 1/4, ln 3/4].
        // ce = −(3/4·ln 1/4 + 1/4·ln 3/4) = 1.039721 + 0.071921 = 1.111642
        // (the mean of the teachers' probabilities instead, [0.73632, 0.26368], would give 1.096632).
        var mean = TeacherEnsemble.MeanLogits([tensor(new[] { 3 * Ln3, 0f }, [1, 2]), tensor(new[] { Ln3, 0f }, [1, 2])]);
        var loss = LossRegistry.GetKd("ce")(tensor(new[] { 0f, 2 * Ln3 }, [1, 2]), mean, tensor(2f), null);

        Assert.Equal(2 * Ln3, mean[0, 0].item<float>(), 5);
        Assert.Equal(1.111642f, loss.item<float>(), 5);
    }

    [Fact]
    public void MeanLogits_Weighted_IsTheWeightedMean()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // (1·[3, -1] + 3·[1, 3]) / 4 = [1.5, 2]
        var mean = TeacherEnsemble.MeanLogits([tensor(new[] { 3f, -1f }, [1, 2]), tensor(new[] { 1f, 3f }, [1, 2])], [1, 3]);

        Assert.Equal([1.5f, 2f], mean.data<float>().ToArray());
    }

    [Theory]
    [InlineData(new[] { 1.0 }, 2, "1 weight(s) for 2 teacher(s)")]
    [InlineData(new[] { 1.0, -1.0 }, 2, "must not be negative")]
    [InlineData(new[] { 0.0, 0.0 }, 2, "must not all be 0")]
    public void WeightsProblem_BadWeights_NamesTheProblem(double[] weights, int teachers, string expected)
    {
        Assert.Contains(expected, TeacherEnsemble.WeightsProblem(weights, teachers));
    }

    [Fact]
    public void WeightsProblem_OnePerTeacher_None() => Assert.Null(TeacherEnsemble.WeightsProblem([0.7, 0.3], 2));
}
