using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Registry;
using Distill.DistillStudent.Schedules;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Models;
using Distill.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.Tests.Registry;

/// <summary>
/// The one registry from user code, as a TextBrewer user extends its five maps with <c>register_new</c>: a KD loss, a
/// projection, a weight scheduler and a temperature scheduler registered by a user, named in a JSON config, accepted
/// by validation and used in a tiny distillation of the user's own models. Names are unique to this class, since the
/// registry is process-wide: each is removed again in a finally.
/// </summary>
public sealed class ComponentRegistryTests
{
    /// <summary>A user's model: embeddings, one tanh layer, a linear head over the mean; returns (logits, [h0, h1]).</summary>
    private sealed class TinyNet : nn.Module<Tensor, (Tensor Logits, IReadOnlyList<Tensor> Hidden)>
    {
        private readonly Embedding embed;
        private readonly Linear layer;
        private readonly Linear head;

        public TinyNet(int width) : base(nameof(TinyNet))
        {
            embed = nn.Embedding(20, width);
            layer = nn.Linear(width, width);
            head = nn.Linear(width, 3);
            RegisterComponents();
        }

        public override (Tensor Logits, IReadOnlyList<Tensor> Hidden) forward(Tensor ids)
        {
            var h0 = embed.call(ids);           // (B, T, W)
            var h1 = layer.call(h0).tanh();     // (B, T, W)
            return (head.call(h1.mean([1])), [h0, h1]);
        }
    }

    private static AdaptedModel Adapted(TinyNet model) => new(model, batch => model.call(batch[Batch.InputIds]), (batch, output) =>
    {
        var (logits, hidden) = ((Tensor, IReadOnlyList<Tensor>))output;
        return new AdaptorOutput(Logits: logits, Hidden: AdaptorOutput.Layers(hidden), InputMask: batch[Batch.AttentionMask]);
    });

    private static IndexedFeed Data()
    {
        var ids = randint(0, 20, [16, 6], generator: new Generator(7));
        return new IndexedFeed(16, 4, seed: 3, rows =>
        {
            var index = tensor(rows.Select(r => (long)r).ToArray());
            return new Batch(new Dictionary<string, Tensor> { [Batch.InputIds] = ids.index_select(0, index), [Batch.AttentionMask] = ones([rows.Count, 6], ScalarType.Int64) }, rows.Count);
        });
    }

    [Fact]
    public void UserComponents_NamedInAJsonConfig_ValidatedAndUsedInADistillation()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var path = dir.Write("distill.json", """
            {"temperature": 2, "kd_loss_type": "reg_test_l1", "kd_loss_weight_scheduler": "reg_test_half",
             "temperature_scheduler": ["reg_test_scaled", {"scale": 3}],
             "intermediate_matches": [{"layer_T": 1, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 1,
                                       "proj": ["reg_test_proj", 4, 8, {"lr": 0.05}]}]}
            """);
        var config = DistillationConfig.Load(path);
        var unknown = Assert.Throws<ConfigException>(() => config.Validate(path, ComponentRegistry.Catalog, 1, [1]));
        Assert.Contains("kd_loss_type \"reg_test_l1\" is not known", unknown.Message);
        Assert.Contains("intermediate_matches[0].proj[0] \"reg_test_proj\" is not known", unknown.Message);

        var temperatures = new List<double>();
        var weights = new List<double>();
        var projections = new List<(int, int)>();
        try
        {
            ComponentRegistry.RegisterKdLoss("reg_test_l1", (s, t, tau, _) =>
            {
                temperatures.Add(tau.item<float>());
                return (s / tau - t / tau).abs().mean();
            });
            ComponentRegistry.RegisterWeightScheduler("reg_test_half", x =>
            {
                weights.Add(x);
                return 0.5;
            });
            ComponentRegistry.RegisterTemperatureScheduler("reg_test_scaled", [new TemperatureParameter("scale")],
                args => (s, _, baseTemperature, _) => tensor((float)(baseTemperature * args[0]), device: s.device));
            ComponentRegistry.RegisterProjection("reg_test_proj", (s, t) =>
            {
                projections.Add((s, t));
                return nn.Sequential(nn.Linear(s, t), nn.Tanh());
            });
            var validated = config.Validate(path, ComponentRegistry.Catalog, studentLayers: 1, teacherLayers: [1]);

            manual_seed(1);
            var teacher = new TinyNet(8);
            var student = new TinyNet(4);
            var log = new StringWriter();
            var distiller = new GeneralDistiller(new TrainingConfig { OutputDir = dir.File("out"), BatchSize = 4, NumEpochs = 1, LearningRate = 1e-2, LogSteps = 1 },
                validated, Adapted(student), new OnlineTeacher(Adapted(teacher)), new TrainerOutput(dir.File("out"), log, IsTerminal: false));
            var projection = distiller.ExtraModules.Single().Module;
            var before = projection.parameters().First().clone();

            var summary = distiller.Train(Data());

            Assert.Equal(4, summary.Steps);
            Assert.Equal([(4, 8)], projections);
            Assert.All(temperatures, tau => Assert.Equal(6, tau, 5)); // base 2 × scale 3
            Assert.Equal(4, temperatures.Count);
            // x = optimizer steps done / planned (4 steps); whether the first step asks the scheduler is the objective's choice.
            Assert.True(weights.Count >= 3, $"the weight scheduler ran {weights.Count} times");
            Assert.Subset(new HashSet<double> { 0, 0.25, 0.5, 0.75 }, weights.ToHashSet());
            Assert.False(projection.parameters().First().allclose(before), "the user's projection was not trained");
            // proj[3]'s group: the projection's weight and bias in groups of their own at lr 0.05, after the student's two.
            using var optimizer = distiller.CreateOptimizer();
            var groups = optimizer.ParamGroups.ToList();
            Assert.Equal([0.01, 0.01, 0.05, 0.05], groups.Select(g => g.LearningRate));
            Assert.Equal(projection.parameters().Count(), groups.Skip(2).Cast<AdamW.ParamGroup>().Sum(g => g.Parameters.Count()));
            // With an optimizer of the caller's the group cannot apply, and the log says so rather than nothing.
            var ownLog = new StringWriter();
            var second = new GeneralDistiller(new TrainingConfig { OutputDir = dir.File("own"), BatchSize = 4, NumEpochs = 1 },
                validated, Adapted(student), new OnlineTeacher(Adapted(teacher)), new TrainerOutput(dir.File("own"), ownLog, IsTerminal: false));
            using var own = new GcSafeAdamW(second.TrainableParameters().Select(p => p.Parameter), lr: 1e-2);
            second.Train(own, Data());
            Assert.Contains("warning: proj[3] optimizer groups (proj_0) are not applied", ownLog.ToString());
            Assert.DoesNotContain("not applied", log.ToString());
        }
        finally
        {
            ComponentRegistry.Unregister(ComponentMap.KdLoss, "reg_test_l1");
            ComponentRegistry.Unregister(ComponentMap.WeightScheduler, "reg_test_half");
            ComponentRegistry.Unregister(ComponentMap.TemperatureScheduler, "reg_test_scaled");
            ComponentRegistry.Unregister(ComponentMap.Projection, "reg_test_proj");
        }
        Assert.DoesNotContain("reg_test_l1", ComponentRegistry.Catalog.Names(ComponentMap.KdLoss));
    }

    [Fact]
    public void Match_WidthsDifferWithoutProjection_FirstBatchFailsNamingTheMatchAndBothShapes()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var config = DistillationConfig.Load(dir.Write("d.json", """{"intermediate_matches": [{"layer_T": 1, "layer_S": 1, "feature": "hidden", "loss": "cos", "weight": 1}]}"""))
            .Validate("d.json", ComponentRegistry.Catalog, 1, [1]);
        var distiller = new GeneralDistiller(new TrainingConfig { OutputDir = dir.File("out"), BatchSize = 4, NumEpochs = 1 }, config,
            Adapted(new TinyNet(4)), new OnlineTeacher(Adapted(new TinyNet(8))), new TrainerOutput(dir.File("out"), new StringWriter(), IsTerminal: false));

        var error = Assert.Throws<ConfigException>(() => distiller.Train(Data()));

        Assert.Equal("intermediate_matches[0]: student layer 1 is [4, 6, 4] and teacher layer 1 is [4, 6, 8], but loss \"cos\" expects the same shape on both sides "
            + "(the widths differ: add \"proj\": [\"linear\", 4, 8])", error.Message);
        Assert.False(Directory.Exists(Path.Combine(dir.File("out"), "checkpoints")));
    }

    [Fact]
    public void ShapeCheck_PairLossComparesAllButTheWidth()
    {
        TestAssets.EnsureTorch();
        using var scope = NewDisposeScope();
        Tensor[] student = [zeros(2, 5, 4), zeros(2, 5, 4)];

        MatchShapeCheck.Check("m", "mmd", MatchShapes.SameButLast, [1, 1], [2, 2], student, [zeros(2, 5, 8), zeros(2, 5, 8)], projected: false);
        // B = T = 2 would broadcast (2, 2, 4) against (2, 4)-shaped mistakes silently; here the ranks differ.
        var error = Assert.Throws<ConfigException>(() =>
            MatchShapeCheck.Check("m", "mmd", MatchShapes.SameButLast, [1, 1], [2, 2], student, [zeros(2, 3, 8), zeros(2, 3, 8)], projected: true));

        Assert.Equal("m: student layer 1 is [2, 5, 4] after its proj and teacher layer 2 is [2, 3, 8], but loss \"mmd\" expects the same shape on both sides "
            + "but for the last (feature) dimension", error.Message);
    }

    [Fact]
    public void ShapeCheck_HeadAveragingLosses_TakeAnyHeadCountButTheSameMaps()
    {
        using var scope = NewDisposeScope();
        Tensor[] student = [zeros(2, 4, 5, 5)];

        // attention_mse_sum and attention_ce_mean sum or average over heads: 4 student heads against 12 teacher heads is
        // what they are for (the up-front check recommends them), so the first batch must not refuse it.
        foreach (var loss in new[] { "attention_mse_sum", "attention_ce_mean" })
        {
            var (_, shapes, _) = ComponentRegistry.MatchLoss(loss);
            MatchShapeCheck.Check("m", loss, shapes, [1], [2], student, [zeros(2, 12, 5, 5)], projected: false);
            var error = Assert.Throws<ConfigException>(() =>
                MatchShapeCheck.Check("m", loss, shapes, [1], [2], student, [zeros(2, 12, 6, 6)], projected: false));
            Assert.Contains("but for the heads (dimension 1)", error.Message);
        }
        var perHead = ComponentRegistry.MatchLoss("attention_mse").Shapes;
        Assert.Throws<ConfigException>(() => MatchShapeCheck.Check("m", "attention_mse", perHead, [1], [2], student, [zeros(2, 12, 5, 5)], projected: false));
    }

    [Fact]
    public void Register_NoneOrBadArity_Refused()
    {
        Assert.Throws<ArgumentException>(() => ComponentRegistry.RegisterWeightScheduler("none", x => x));
        Assert.Throws<ArgumentException>(() => ComponentRegistry.RegisterTemperatureScheduler("none", [], _ => (_, _, _, _) => throw new InvalidOperationException()));
        Assert.Throws<ArgumentOutOfRangeException>(() => ComponentRegistry.RegisterMatchLoss("reg_test_three", 3, (_, _, _) => throw new InvalidOperationException()));
    }
}
