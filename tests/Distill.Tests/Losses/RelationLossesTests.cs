using Distill.DistillStudent.Losses;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public sealed class RelationLossesTests
{
    // Two tokens, d = 1: the student's vectors 1 and 2 give scores [[1, 2], [2, 4]], rows softmax(1, 2) =
    // (.268941, .731059) and softmax(2, 4) = (.119203, .880797); the teacher's 1 and 1 give uniform rows. KL(teacher ‖
    // student) per row: .5 ln(.5/.268941) + .5 ln(.5/.731059) = .120115 and .5 ln(.5/.119203) + .5 ln(.5/.880797) = .433781;
    // their mean .276948.
    private const float TwoTokenKl = 0.276948f;

    private static Tensor Tokens(float[] values, int width) => tensor(values, [1, values.Length / width, width]);

    [Fact]
    public void SplitHeads_FourFeatures_TwoHeadsInOrder()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var x = arange(8, dtype: ScalarType.Float32).view(1, 2, 4);                         // tokens (0 1 2 3), (4 5 6 7)

        var heads = RelationLosses.SplitHeads(x, 2);

        Assert.Equal(new long[] { 1, 2, 2, 2 }, heads.shape);
        Assert.Equal(new[] { 0f, 1f, 4f, 5f }, heads[0, 0].flatten().data<float>().ToArray());
        Assert.Equal(new[] { 2f, 3f, 6f, 7f }, heads[0, 1].flatten().data<float>().ToArray());
    }

    [Fact]
    public void SplitHeads_WidthNotDivisible_NamesBoth()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();

        var error = Assert.Throws<ArgumentException>(() => RelationLosses.SplitHeads(zeros(1, 2, 6), 4));

        Assert.Contains("6 features do not split into 4 relation heads", error.Message);
    }

    [Fact]
    public void LogRelation_OneHead_SoftmaxOfScaledProducts()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();

        var p = RelationLosses.LogRelation(Tokens([1f, 2f], 1), null).exp();

        var expected = new[] { .268941f, .731059f, .119203f, .880797f };
        Assert.All(p.flatten().data<float>().ToArray().Zip(expected), v => Assert.Equal(v.Second, v.First, 5));
    }

    [Fact]
    public void LogRelation_ScalesByRootOfWidth()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // d = 2, vectors (1, 0) and (1, 1): products [[1, 1], [1, 2]] / √2, so row 1 is softmax(.707107, 1.414214) = (.330238, .669762).
        var p = RelationLosses.LogRelation(Tokens([1f, 0f, 1f, 1f], 2), null).exp();

        Assert.Equal(.5f, p[0, 0, 0].item<float>(), 5);
        Assert.Equal(.330238f, p[0, 1, 0].item<float>(), 5);
        Assert.Equal(.669762f, p[0, 1, 1].item<float>(), 5);
    }

    [Fact]
    public void Kl_TwoTokens_MeanRowKlTeacherToStudent()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();

        var loss = RelationLosses.Kl([Tokens([1f, 2f], 1)], [Tokens([1f, 1f], 1)], null);

        Assert.Equal(TwoTokenKl, loss.item<float>(), 5);
    }

    [Fact]
    public void Kl_PaddedThirdToken_LeftOutAsKeyAndAsQuery()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var mask = tensor(new long[] { 1, 1, 0 }, [1, 3]);

        var loss = RelationLosses.Kl([Tokens([1f, 2f, 9f], 1)], [Tokens([1f, 1f, -7f], 1)], mask);

        Assert.Equal(TwoTokenKl, loss.item<float>(), 5);
    }

    [Fact]
    public void Kl_StudentOfOtherWidth_ComparesRelations()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // student rows (.5, .5) and (.330238, .669762) (see LogRelation_ScalesByRootOfWidth) against uniform rows:
        // (0 + .5 ln(.5/.330238) + .5 ln(.5/.669762)) / 2 = .030620
        var loss = RelationLosses.Kl([Tokens([1f, 0f, 1f, 1f], 2)], [Tokens([1f, 1f], 1)], null);

        Assert.Equal(.030620f, loss.item<float>(), 5);
    }

    [Fact]
    public void Kl_TwoRelationHeads_MeanOverHeads()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // head 0 holds the student's (1, 2) against the teacher's (1, 1); head 1 is equal on both sides: (.276948 + 0) / 2
        var student = RelationLosses.SplitHeads(Tokens([1f, 1f, 2f, 1f], 2), 2);
        var teacher = RelationLosses.SplitHeads(Tokens([1f, 1f, 1f, 1f], 2), 2);

        var loss = RelationLosses.Kl([student], [teacher], tensor(new long[] { 1, 1 }, [1, 2]));

        Assert.Equal(TwoTokenKl / 2, loss.item<float>(), 5);
    }

    [Fact]
    public void AttentionCe_LessTeacherEntropy_IsMiniLmAttentionKl()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // MiniLM v1's attention transfer is KL(A_T ‖ A_S); attention_ce differs from it by the teacher's entropy only.
        // Rows: student (.25, .75) and (.5, .5), teacher uniform: KL .5 ln(.5/.25) + .5 ln(.5/.75) = .143841 and 0, mean .071921.
        var s = tensor(new[] { .25f, .75f, .5f, .5f }, [1, 1, 2, 2]);
        var t = tensor(new[] { .5f, .5f, .5f, .5f }, [1, 1, 2, 2]);

        var kl = AttentionLosses.Ce([s], [t], null) - AttentionLosses.Ce([t], [t], null);

        Assert.Equal(.071921f, kl.item<float>(), 5);
    }
}
