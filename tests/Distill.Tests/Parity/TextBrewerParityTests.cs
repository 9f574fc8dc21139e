using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Schedules;
using Distill.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;
using static Distill.Tests.Support.Objectives;

namespace Distill.Tests.Parity;

/// <summary>
/// Fixed tensors through every loss, temperature and weight scheduler and distiller objective, against the values
/// TextBrewer's own code gives on the same tensors. How they were obtained: <c>textbrewer_values.py</c> beside this
/// file, run on 2026-12-07 with TextBrewer 0.2.1.post1 (commit 2c105fa6, its <c>src/</c> as the argument) under
/// Debian 12's python3-torch 1.13; it calls TextBrewer's <c>losses.py</c>, <c>schedulers.py</c>,
/// <c>BasicDistiller.compute_loss</c>, <c>GeneralDistiller.compute_loss</c>, <c>MultiTeacherDistiller.train_on_batch</c>
/// and a real 5-batch <c>BasicDistiller.train</c>, and prints the numbers written below. Agreement is asked to 1e-5
/// relative. Attention: our features are probabilities. The cross-entropies are fed to TextBrewer as scores with
/// BERT's −10000 at padded keys and to us as the softmax of the same scores (the exact equivalence we claim); the mse
/// losses get the probabilities on both sides (on scores they would compare other quantities, a documented
/// difference).
/// </summary>
public sealed class TextBrewerParityTests
{
    private static void Same(double textBrewer, Tensor ours) => Same(textBrewer, ours.item<float>());

    private static void Same(double textBrewer, double ours) =>
        Assert.True(Math.Abs(ours - textBrewer) <= 1e-5 * Math.Abs(textBrewer), $"TextBrewer {textBrewer:R}, ours {ours:R}");

    private static Tensor Long(long[] values, params long[] shape) => tensor(values, shape);

    private static readonly long[] AttentionMask = [1, 1, 1, 1, 1, 1, 1, 0];

    /// <summary>Scores (2, 2, 4, 4) with −10000 at row 1's padded key, and their softmax.</summary>
    private static (Tensor Scores, Tensor Probabilities) Attention(int salt)
    {
        var keys = Long(AttentionMask, 2, 1, 1, 4).to_type(ScalarType.Float32);
        var scores = Fixed([2, 2, 4, 4], salt) + (1 - keys) * -10000f;
        return (scores, nn.functional.softmax(scores, -1));
    }

    [Fact]
    public void KdLosses_MatchTextBrewer()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var s = Fixed([4, 5], 1);
        var t = Fixed([4, 5], 2);
        var rowT = tensor(new[] { 1f, 1.5f, 2f, 2.5f });

        Same(1.6022660732269287, KdLosses.SoftCrossEntropy(s, t, tensor(2f), null));
        Same(0.3675599694252014, KdLosses.MeanSquaredError(s, t, tensor(2f), null));
        Same(1.533840537071228, KdLosses.SoftCrossEntropy(s, t, rowT, null));
        Same(0.47558408975601196, KdLosses.MeanSquaredError(s, t, rowT, null));
        Same(1.3307232856750488, KdLosses.SoftCrossEntropy(Fixed([2, 3, 4], 3), Fixed([2, 3, 4], 4), tensor(2f), Long([1, 1, 0, 1, 0, 0], 2, 3)));
    }

    [Fact]
    public void MatchLosses_MatchTextBrewer()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var hs = Fixed([2, 3, 6], 5);
        var ht = Fixed([2, 3, 6], 6);
        var hs2 = Fixed([2, 3, 6], 7);
        var ht2 = Fixed([2, 3, 6], 8);
        var mask = Long([1, 1, 1, 1, 1, 0], 2, 3);
        var am = Long(AttentionMask, 2, 4);
        var (_, ps) = Attention(9);
        var (_, pt) = Attention(10);

        Same(1.4702398777008057, LossRegistry.Get("hidden_mse")([hs], [ht], mask));
        Same(0.5128111243247986, LossRegistry.Get("cos")([hs], [ht], mask));
        Same(1.64207923412323, LossRegistry.Get("pkd")([hs], [ht], mask));
        Same(1.0865025520324707, LossRegistry.Get("fsp")([hs, hs2], [ht, ht2], mask));
        Same(0.3096007704734802, LossRegistry.Get("mmd")([hs, hs2], [ht, ht2], mask));
        Same(0.08362272381782532, LossRegistry.Get("attention_mse")([ps], [pt], am));
        Same(0.15242891013622284, LossRegistry.Get("attention_mse_sum")([ps], [pt], am));
        Same(1.2863690853118896, LossRegistry.Get("attention_ce")([ps], [pt], am));
        Same(1.2639589309692383, LossRegistry.Get("attention_ce_mean")([ps], [pt], am));
    }

    [Fact]
    public void TemperatureSchedulers_MatchTextBrewer_AllZeroRowIncluded()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var s = Fixed([4, 5], 11);
        s[3] = zeros(5);
        var t = Fixed([4, 5], 12);

        var flsw = TemperatureScheduler.Temperature(new TemperatureSchedule("flsw", 1, 2), 4, s, t).data<float>().ToArray();
        var flswEps = TemperatureScheduler.Temperature(new TemperatureSchedule("flsw", 1, 2, 1e-2), 4, s, t).data<float>().ToArray();
        var cwsm = TemperatureScheduler.Temperature(new TemperatureSchedule("cwsm", 0.5, 0), 4, s, t).data<float>().ToArray();

        double[] textBrewerFlsw = [3.3975796699523926, 4.798318862915039, 4.000792026519775, 3.803309440612793];
        double[] textBrewerFlswEps = [3.4008800983428955, 4.796939373016357, 3.9991674423217773, 3.8030130863189697];
        double[] textBrewerCwsm = [4.45139217376709, 4.45139217376709, 4.286643981933594, 2.8105719089508057];
        for (var i = 0; i < 4; i++)
        {
            Same(textBrewerFlsw[i], flsw[i]);
            Same(textBrewerFlswEps[i], flswEps[i]);
            Same(textBrewerCwsm[i], cwsm[i]);
        }
    }

    [Fact]
    public void WeightsOverTime_MatchARealTextBrewerRun()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // TextBrewer's BasicDistiller.train over 5 batches (1 epoch) with kd_loss_weight 0.7 + linear_decay and
        // hard_label_weight 0 + linear_growth: the weights its compute_loss read at each batch.
        double[] kd = [0.7, 0.8, 0.6, 0.4, 0.19999999999999996];
        double[] hard = [0.0, 0.2, 0.4, 0.6, 0.8];
        var distiller = Basic("""{"kd_loss_weight": 0.7, "kd_loss_weight_scheduler": "linear_decay", "hard_label_weight": 0, "hard_label_weight_scheduler": "linear_growth", "temperature": 1}""");
        var s = Fixed([2, 3], 1);
        var student = new AdaptorOutput(Logits: s, Losses: [tensor(2f)]);
        var teacher = new AdaptorOutput(Logits: Fixed([2, 3], 2));
        var kdLoss = KdLosses.SoftCrossEntropy(s, teacher.Logits!, tensor(1f), null).item<float>();

        for (var step = 0; step < 5; step++)
        {
            var total = Loss(distiller, student, [teacher], step, total: 5).Total;
            Same(kd[step] * kdLoss + hard[step] * 2, total);
        }
    }

    [Fact]
    public void BasicObjective_ProbabilityShiftWeightsAndHardLoss_MatchTextBrewer()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var distiller = Basic("""{"temperature": 3, "kd_loss_weight": 0.6, "hard_label_weight": 0.4, "probability_shift": true}""");
        var student = new AdaptorOutput(Logits: Fixed([3, 4], 13), Labels: Long([2, 0, 3], 3), Losses: [tensor(0.9f)]);

        var loss = Loss(distiller, student, [new AdaptorOutput(Logits: Fixed([3, 4], 14))]);

        Same(1.2243611812591553, loss.Total);
        Same(1.4406019449234009, loss.Components["kd_loss"]);
    }

    [Fact]
    public void QaObjective_StartAndEndSummedWithFlswPerHead_MatchesTextBrewer()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        // TextBrewer's QA adaptors give [start, end]; ours the (B, 2, T) KD form with padded positions at −10000.
        var qs = Fixed([2, 2, 6], 15).index_put_(tensor(-10000f), TensorIndex.Single(1), TensorIndex.Colon, TensorIndex.Single(5));
        var qt = Fixed([2, 2, 6], 16).index_put_(tensor(-10000f), TensorIndex.Single(1), TensorIndex.Colon, TensorIndex.Single(5));
        var distiller = Basic("""{"temperature": 2, "temperature_scheduler": ["flsw", 1, 2]}""");

        var loss = Loss(distiller, new AdaptorOutput(Logits: qs) { LogitsOverPositions = true }, [new AdaptorOutput(Logits: qt) { LogitsOverPositions = true }]);

        Same(3.3408288955688477, loss.Total);
    }

    [Fact]
    public void TokenLevelObjective_LogitsMaskAndCwsm_MatchesTextBrewer()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var mask = Long([1, 1, 1, 0, 1, 1, 0, 0], 2, 4);
        var distiller = Basic("""{"temperature": 2, "temperature_scheduler": ["cwsm", 0.5], "kd_loss_weight": 1.5}""");

        var loss = Loss(distiller, new AdaptorOutput(Logits: Fixed([2, 4, 3], 17), LogitsMask: mask), [new AdaptorOutput(Logits: Fixed([2, 4, 3], 18), LogitsMask: mask)]);

        Same(1.6623618602752686, loss.Total);
    }

    [Fact]
    public void GeneralObjective_KdAndMatches_MatchesTextBrewer_WithAndWithoutLogits()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var distiller = General("""
            {"temperature": 4, "intermediate_matches": [
              {"layer_T": 1, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 2},
              {"layer_T": 0, "layer_S": 0, "feature": "attention", "loss": "attention_ce", "weight": 1},
              {"layer_T": [0, 1], "layer_S": [0, 1], "feature": "hidden", "loss": "fsp", "weight": 0.5}]}
            """);
        var am = Long(AttentionMask, 2, 4);
        var (_, ps) = Attention(9);
        var (_, pt) = Attention(10);
        var hiddenS = AdaptorOutput.Layers([Fixed([2, 4, 6], 21), Fixed([2, 4, 6], 22)]);
        var hiddenT = AdaptorOutput.Layers([Fixed([2, 4, 6], 23), Fixed([2, 4, 6], 24)]);
        var student = new AdaptorOutput(Logits: Fixed([2, 3], 19), Hidden: hiddenS, Attention: AdaptorOutput.Layers([ps]), InputMask: am, Losses: [tensor(0.5f)]);
        var teacher = new AdaptorOutput(Logits: Fixed([2, 3], 20), Hidden: hiddenT, Attention: AdaptorOutput.Layers([pt]), InputMask: am);

        Same(8.125802040100098, Loss(distiller, student, [teacher]).Total);
        // Matches only (TextBrewer's GeneralDistiller, and MultiTaskDistiller which inherits it, skip KD without logits).
        Same(7.013056755065918, Loss(distiller, student with { Logits = null, Losses = null }, [teacher with { Logits = null }]).Total);
    }

    [Fact]
    public void MultiTeacherObjective_MeanLogitsAndHardLoss_MatchesTextBrewer()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        var distiller = Create("""{"temperature": 2, "hard_label_weight": 0.3}""", (t, d, m, s, o) => new MultiTeacherDistiller(t, d, m, s, o));
        var student = new AdaptorOutput(Logits: Fixed([3, 4], 25), Losses: [tensor(0.8f)]);

        var loss = Loss(distiller, student, [new AdaptorOutput(Logits: Fixed([3, 4], 26)), new AdaptorOutput(Logits: Fixed([3, 4], 27))]);

        Same(1.6613186597824097, loss.Total);
    }
}
