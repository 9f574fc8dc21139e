using Distill.DistillStudent.Losses;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Losses;

public sealed class AttentionLossesTests
{
    // One head, T = 3, the third token padded. Real rows put no mass on key 2; the padded query row holds a
    // distribution that means nothing and differs between the models on purpose.
    private static readonly float[] StudentHead = [.5f, .5f, 0f, 1f, 0f, 0f, .3f, .3f, .4f];
    private static readonly float[] TeacherHead = [1f, 0f, 0f, .5f, .5f, 0f, .2f, .2f, .6f];

    private static Tensor Mask() => tensor(new long[] { 1, 1, 0 }, [1, 3]);

    [Fact]
    public void Mse_Mask_MeanOverRealQueryKeyPairs()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var s = tensor(StudentHead, [1, 1, 3, 3]);
        var t = tensor(TeacherHead, [1, 1, 3, 3]);

        // real pairs: (.5−1)², (.5−0)², (1−.5)², (0−.5)² = 4 × .25 = 1.0 over L² = 4 pairs → .25
        Assert.Equal(0.25f, AttentionLosses.Mse([s], [t], Mask()).item<float>(), 5);
        // no mask: the padded row adds .1² + .1² + .2² = .06, so 1.06 / 9
        Assert.Equal(1.06f / 9, AttentionLosses.Mse([s], [t], null).item<float>(), 5);
    }

    [Fact]
    public void MseSum_TwoHeads_SumsHeadsBeforeMse()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // head 1 identical in both models, so the summed maps differ exactly as head 0: 1.0 / 4 pairs = .25,
        // while attention_mse spreads the same 1.0 over 2 heads × 4 pairs = .125
        var s = tensor(StudentHead.Concat(TeacherHead).ToArray(), [1, 2, 3, 3]);
        var t = tensor(TeacherHead.Concat(TeacherHead).ToArray(), [1, 2, 3, 3]);

        Assert.Equal(0.25f, AttentionLosses.MseSum([s], [t], Mask()).item<float>(), 5);
        Assert.Equal(0.125f, AttentionLosses.Mse([s], [t], Mask()).item<float>(), 5);
    }

    [Fact]
    public void Ce_Mask_CrossEntropyOverRealRows()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // row 0: −(1·ln .5) = 0.693147; row 1: −(.5·ln .25 + .5·ln .75) = 0.836988 (teacher 0 on key 2 times the
        // clamped log of the student's 0 adds nothing). mean = 0.765068
        var s = tensor(new[] { .5f, .5f, 0f, .25f, .75f, 0f, .3f, .3f, .4f }, [1, 1, 3, 3]);
        var t = tensor(new[] { 1f, 0f, 0f, .5f, .5f, 0f, .2f, .2f, .6f }, [1, 1, 3, 3]);

        Assert.Equal(0.765068f, AttentionLosses.Ce([s], [t], Mask()).item<float>(), 5);
    }

    [Fact]
    public void CeMean_TwoHeads_AveragesLogProbabilitiesOverHeads()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // student row 0 is [1, 0, 0] in head 0 and [0, 1, 0] in head 1; row 1 [.25, .75, 0] in both. Teacher rows as
        // in the one-head test, both heads. The log of an exact 0 is taken at float's smallest normal number:
        // −ln(1.1754944e-38) = 87.336544.
        // attention_ce_mean, as TextBrewer's softmax of the head-averaged scores: row 0's mean log-probabilities are
        // equal on the two real keys → [.5, .5], CE = ln 2 = 0.693147; row 1 = 0.836988; mean 0.765068 (averaging the
        // probabilities would give the same row 0 here, but not in general: see the parity test).
        // attention_ce per head: head 0 row 0 = 0, head 1 row 0 = 87.336544, rows 1 = 0.836988 each:
        // (0 + 87.336544 + 2 × 0.836988) / 4 = 22.252630
        var s = tensor(new[] { 1f, 0f, 0f, .25f, .75f, 0f, .3f, .3f, .4f, 0f, 1f, 0f, .25f, .75f, 0f, .3f, .3f, .4f }, [1, 2, 3, 3]);
        var teacherHead = new[] { 1f, 0f, 0f, .5f, .5f, 0f, .2f, .2f, .6f };
        var t = tensor(teacherHead.Concat(teacherHead).ToArray(), [1, 2, 3, 3]);

        Assert.Equal(0.765068f, AttentionLosses.CeMean([s], [t], Mask()).item<float>(), 5);
        Assert.Equal(22.252630f, AttentionLosses.Ce([s], [t], Mask()).item<float>(), 4);
    }

    [Fact]
    public void Ce_MiniLmObjective_IsKlOfTeacherToStudentPlusTheTeachersEntropy()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // MiniLM's self-attention loss is KL(teacher ‖ student) of the attention rows, averaged over heads and (real)
        // queries. attention_ce is that KL plus the teacher's mean row entropy, a constant of the cache: the same
        // gradients, so MiniLM's objective is the match {"feature": "attention", "loss": "attention_ce"} on the last
        // layers (pipelines/configs/minilm-L2.json). Two heads, real rows 0 and 1, padded row 2 set apart on purpose:
        //   KL: h0 r0 = .5 ln(.5/.25) + .5 ln(.5/.75) = 0.143841; h1 r0 = .8 ln(.8/.5) + .2 ln(.2/.5) = 0.192745;
        //       rows 1 equal → 0; mean over 4 rows = 0.084146
        //   teacher entropy: ln 2 (h0 r0, h0 r1), 0.500402 (h1 r0), 0.562335 (h1 r1); mean 0.612258
        var s = tensor(new[] { .25f, .75f, 0f, .5f, .5f, 0f, .1f, .1f, .8f, .5f, .5f, 0f, .25f, .75f, 0f, .1f, .1f, .8f }, [1, 2, 3, 3]);
        var t = tensor(new[] { .5f, .5f, 0f, .5f, .5f, 0f, .3f, .3f, .4f, .8f, .2f, 0f, .25f, .75f, 0f, .3f, .3f, .4f }, [1, 2, 3, 3]);

        var ce = AttentionLosses.Ce([s], [t], Mask()).item<float>();
        var teacherEntropy = AttentionLosses.Ce([t], [t], Mask()).item<float>();

        Assert.Equal(0.696404f, ce, 5);
        Assert.Equal(0.612258f, teacherEntropy, 5);
        Assert.Equal(0.084146f, ce - teacherEntropy, 5);
    }

    [Fact]
    public void Ce_VeryPeakedStudentHead_KeepsTheGradient()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // Student scores 0 and −40 on two keys: p = [1, 4.2e-18], below the 1e-12 clamp this loss used to apply,
        // which cut the gradient; the teacher wants [.5, .5]. The gradient of CE with respect to the scores is p − t.
        var scores = tensor(new[] { 0f, -40f }, [1, 1, 1, 2]).requires_grad_();
        var student = nn.functional.softmax(scores, -1);
        var teacher = tensor(new[] { .5f, .5f }, [1, 1, 1, 2]);

        AttentionLosses.Ce([student], [teacher], null).backward();

        var grad = scores.grad!.data<float>().ToArray();
        Assert.Equal(0.5f, grad[0], 5);
        Assert.Equal(-0.5f, grad[1], 5);
    }
}
