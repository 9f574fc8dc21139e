using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Schedules;
using Distill.Tests.Support;
using static TorchSharp.torch;
using static Distill.Tests.Support.Objectives;

namespace Distill.Tests.Distillers;

/// <summary>The distillers' objective on given outputs: how KD, the hard-label loss and their weights combine, as TextBrewer's compute_loss.</summary>
public sealed class DistillerObjectiveTests
{
    private static float Kd(Tensor s, Tensor t, double temperature, Tensor? mask = null) =>
        KdLosses.SoftCrossEntropy(s, t, tensor((float)temperature), mask).item<float>();

    [Fact]
    public void HardLabel_WeightZeroWithGrowthScheduler_EntersAsTheScheduleGrows()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // TextBrewer's usual pairing: hard_label_weight 0 replaced by linear_growth, so at step 5 of 10 it is 0.5.
        var distiller = Basic("""{"temperature": 1, "hard_label_weight": 0, "hard_label_weight_scheduler": "linear_growth"}""");
        var s = Fixed([2, 3], 1);
        var t = Fixed([2, 3], 2);

        var loss = Loss(distiller, new AdaptorOutput(Logits: s, Losses: [tensor(3f)]), [new AdaptorOutput(Logits: t)], step: 5, total: 10);

        Assert.Equal(Kd(s, t, 1) + 0.5f * 3, loss.Total.item<float>(), 5);
        Assert.Equal(3f, loss.Components["hard_label_loss"].item<float>());
    }

    [Fact]
    public void KdWeight_FirstStepWithDecay_TrainsAtTheConfiguredWeight()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var distiller = Basic("""{"temperature": 1, "kd_loss_weight": 0.7, "kd_loss_weight_scheduler": "linear_decay"}""");
        var s = Fixed([2, 3], 1);
        var t = Fixed([2, 3], 2);

        var first = Loss(distiller, new AdaptorOutput(Logits: s), [new AdaptorOutput(Logits: t)], step: 0, total: 4).Total.item<float>();
        var second = Loss(distiller, new AdaptorOutput(Logits: s), [new AdaptorOutput(Logits: t)], step: 1, total: 4).Total.item<float>();

        Assert.Equal(0.7f * Kd(s, t, 1), first, 5);
        Assert.Equal(0.75f * Kd(s, t, 1), second, 5);
    }

    [Fact]
    public void Qa_StartAndEnd_KdSummedPerHead()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var s = Fixed([2, 2, 5], 3);
        var t = Fixed([2, 2, 5], 4);
        var distiller = Basic("""{"temperature": 2}""");

        // The teacher's output as a cache gives it, without the flag: the student's KD form decides for both.
        var loss = Loss(distiller, new AdaptorOutput(Logits: s) { LogitsOverPositions = true }, [new AdaptorOutput(Logits: t)]);

        // TextBrewer's list [start, end]: KD(start) + KD(end), not their mean.
        Assert.Equal(Kd(s[.., 0], t[.., 0], 2) + Kd(s[.., 1], t[.., 1], 2), loss.Total.item<float>(), 5);
    }

    [Fact]
    public void TokenLevel_FlswTemperature_SeesOnlyTheRealPositions()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var s = Fixed([2, 4, 3], 5);
        var t = Fixed([2, 4, 3], 6);
        var mask = tensor(new long[] { 1, 1, 1, 0, 1, 1, 0, 0 }, [2, 4]);
        var distiller = Basic("""{"temperature": 2, "temperature_scheduler": ["flsw", 1, 2]}""");

        var loss = Loss(distiller, new AdaptorOutput(Logits: s, LogitsMask: mask), [new AdaptorOutput(Logits: t, LogitsMask: mask)]);

        // TextBrewer selects the 5 real positions first, so flsw's mean runs over them alone.
        var real = mask.flatten().nonzero().squeeze(1);
        var rowsS = s.reshape(-1, 3).index_select(0, real);
        var rowsT = t.reshape(-1, 3).index_select(0, real);
        var tau = TemperatureScheduler.Temperature(new TemperatureSchedule("flsw", 1, 2), 2, rowsS, rowsT);
        Assert.Equal(KdLosses.SoftCrossEntropy(rowsS, rowsT, tau, null).item<float>(), loss.Total.item<float>(), 5);
    }

    [Fact]
    public void LogitsList_TwoHeadsEachWithItsMask_KdSummed()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var tokens = Fixed([2, 3, 4], 7);
        var tokensT = Fixed([2, 3, 4], 8);
        var sentence = Fixed([2, 5], 9);
        var sentenceT = Fixed([2, 5], 10);
        var mask = tensor(new long[] { 1, 1, 0, 1, 0, 0 }, [2, 3]);
        var distiller = Basic("""{"temperature": 1}""");
        var student = new AdaptorOutput { LogitsList = [tokens, sentence], LogitsMaskList = [mask, ones(2, 3, dtype: ScalarType.Int64)] };
        var teacher = new AdaptorOutput { LogitsList = [tokensT, sentenceT], LogitsMaskList = [mask, ones(2, 3, dtype: ScalarType.Int64)] };

        var loss = Loss(distiller, student, [teacher]);

        // The mask of a (B, C) head changes nothing, as in TextBrewer.
        Assert.Equal(Kd(tokens, tokensT, 1, mask) + Kd(sentence, sentenceT, 1), loss.Total.item<float>(), 5);
    }

    [Fact]
    public void TeacherLogitsMask_SelectsTheTeachersOwnPositions()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // The teacher's two real positions are its last two; the student's its first two: KD pairs them in order.
        var s = Fixed([1, 3, 4], 11);
        var t = Fixed([1, 3, 4], 12);
        var distiller = Basic("""{"temperature": 1}""");

        var loss = Loss(distiller, new AdaptorOutput(Logits: s, LogitsMask: tensor(new long[] { 1, 1, 0 }, [1, 3])),
            [new AdaptorOutput(Logits: t, LogitsMask: tensor(new long[] { 0, 1, 1 }, [1, 3]))]);

        Assert.Equal(Kd(s[0, ..2], t[0, 1..], 1), loss.Total.item<float>(), 5);
    }

    [Fact]
    public void NoLogits_GeneralDistilsMatchesOnly_BasicNamesWhatIsMissing()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var hs = Fixed([2, 3, 4], 13);
        var ht = Fixed([2, 3, 4], 14);
        var general = General("""{"intermediate_matches": [{"layer_T": 1, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 2}]}""");
        var student = new AdaptorOutput(Hidden: new Dictionary<int, Tensor> { [1] = hs });
        var teacher = new AdaptorOutput(Hidden: new Dictionary<int, Tensor> { [1] = ht });

        var loss = Loss(general, student, [teacher]);

        Assert.Equal(2 * HiddenLosses.HiddenMse([hs], [ht], null).item<float>(), loss.Total.item<float>(), 5);
        Assert.False(loss.Components.ContainsKey("kd_loss"));
        var error = Assert.Throws<InvalidOperationException>(() => Loss(Basic("{}"), student, [teacher]));
        Assert.Contains("the student adaptor returned no logits", error.Message);
    }
}
