using Distill.DistillStudent.Losses;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public sealed class TeacherLogitsTests
{
    [Fact]
    public void ProbabilityShift_Classification_SwapsTrueLabelWithMax()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // row 0: max 5 at class 1, label 2 (value 3) → [1, 3, 5]; row 1: label already the max → unchanged
        var logits = tensor(new[] { 1f, 5f, 3f, 4f, 0f, 2f }, [2, 3]);

        var shifted = TeacherLogits.ProbabilityShift(logits, tensor(new long[] { 2, 0 }, [2]));

        Assert.Equal([1f, 3f, 5f, 4f, 0f, 2f], shifted.data<float>().ToArray());
        Assert.Equal([1f, 5f, 3f, 4f, 0f, 2f], logits.data<float>().ToArray());
    }

    [Fact]
    public void ProbabilityShift_TokenLevel_IgnoredLabelsUnchanged()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // position 0: label 0 (value 1) swaps with max 5 → [5, 1, 3]; position 1: label −100 → unchanged
        var logits = tensor(new[] { 1f, 5f, 3f, 4f, 0f, 2f }, [1, 2, 3]);

        var shifted = TeacherLogits.ProbabilityShift(logits, tensor(new long[] { 0, -100 }, [1, 2]));

        Assert.Equal([1L, 2, 3], shifted.shape);
        Assert.Equal([5f, 1f, 3f, 4f, 0f, 2f], shifted.data<float>().ToArray());
    }
}
