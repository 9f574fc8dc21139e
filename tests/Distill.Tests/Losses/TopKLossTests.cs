using Distill.DistillStudent.Losses;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public sealed class TopKLossTests
{
    [Fact]
    public void TopKSoftCrossEntropy_KOne_TailMatchedToStudentRest()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // teacher logits [ln2, 0, 0]: lse = ln 4, top-1 = class 0 with p = 2/4 = .5, tail = .5
        // student [0, 0, 0]: q_0 = 1/3, rest = 2/3
        // loss = −.5·ln(1/3) − .5·ln(2/3) = 0.549306 + 0.202733 = 0.752039
        var loss = TopKLoss.TopKSoftCrossEntropy(
            tensor(new[] { 0f, 0f, 0f }, [1, 3]),
            tensor(new[] { MathF.Log(2) }, [1, 1]),
            tensor(new long[] { 0 }, [1, 1]),
            tensor(new[] { MathF.Log(4) }, [1]),
            temperature: 1, mask: null);

        Assert.Equal(0.752039f, loss.item<float>(), 5);
    }

    [Fact]
    public void TopKSoftCrossEntropy_KEqualsClasses_EqualsFullSoftCrossEntropy()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var student = tensor(new[] { 0.3f, -1.2f, 2.0f, 0.1f, 0.5f, 0.5f }, [2, 3]);
        var teacher = tensor(new[] { 1.0f, 0.2f, -0.7f, -2.0f, 0.4f, 3.0f }, [2, 3]);
        var (values, indices) = teacher.topk(3);

        var topK = TopKLoss.TopKSoftCrossEntropy(student, values, indices, teacher.logsumexp(-1), 1, null);
        var full = KdLosses.SoftCrossEntropy(student, teacher, tensor(1f), null);

        Assert.Equal(full.item<float>(), topK.item<float>(), 5);
    }

    [Fact]
    public void TopKSoftCrossEntropy_TokenLevelMask_IgnoresPaddedPositions()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // position 0 as in the k = 1 test (0.752039); position 1 is padding with other values
        var loss = TopKLoss.TopKSoftCrossEntropy(
            tensor(new[] { 0f, 0f, 0f, 9f, -3f, 1f }, [1, 2, 3]),
            tensor(new[] { MathF.Log(2), 7f }, [1, 2, 1]),
            tensor(new long[] { 0, 2 }, [1, 2, 1]),
            tensor(new[] { MathF.Log(4), 7.5f }, [1, 2]),
            1, tensor(new long[] { 1, 0 }, [1, 2]));

        Assert.Equal(0.752039f, loss.item<float>(), 5);
    }

    [Fact]
    public void TopKSoftCrossEntropy_TemperatureNotOne_RefusesAndSaysWhy()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => TopKLoss.TopKSoftCrossEntropy(
            tensor(new[] { 0f, 0f }, [1, 2]), tensor(new[] { 0f }, [1, 1]), tensor(new long[] { 0 }, [1, 1]), tensor(new[] { 0.69f }, [1]), 2, null));

        Assert.Contains("temperature 1", error.Message);
    }
}
