using System.Text.Json;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Models;
using Distill.Tests.Support;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Models.Bert;

namespace Distill.Tests.Distillers;

/// <summary>
/// TextBrewer's README example, ported to C# on tiny models: print both models' parameters, an adaptor that returns
/// logits and hidden states, a DistillationConfig matching T0↔S0 and T8↔S2 with hidden_mse, then GeneralDistiller.Train.
/// The models are plain TorchSharp modules of the user's own, not our task models.
/// </summary>
public sealed class SeedExampleTests
{
    /// <summary>A user's own model: a BERT encoder and a linear head over the [CLS] state; returns (logits, hidden states).</summary>
    private sealed class UserClassifier : nn.Module<Tensor, Tensor, (Tensor Logits, IReadOnlyList<Tensor> Hidden)>
    {
        private readonly BertModel bert;
        private readonly Linear head;

        public UserClassifier(int layers) : base(nameof(UserClassifier))
        {
            bert = new BertModel(TinyBert.Config() with { NumHiddenLayers = layers, HiddenDropoutProb = 0, AttentionProbsDropoutProb = 0 }, addPoolingLayer: false);
            head = nn.Linear(16, 2);
            RegisterComponents();
        }

        public override (Tensor Logits, IReadOnlyList<Tensor> Hidden) forward(Tensor inputIds, Tensor mask)
        {
            var output = bert.forward(inputIds, mask);
            return (head.call(output.LastHiddenState[.., 0]), output.HiddenStates);
        }
    }

    // The adaptor: the model's raw output is the (logits, hidden) pair.
    private static AdaptorOutput SimpleAdaptor(Batch batch, object output)
    {
        var (logits, hidden) = ((Tensor, IReadOnlyList<Tensor>))output;
        return new AdaptorOutput(Logits: logits, Hidden: AdaptorOutput.Layers(hidden), InputMask: batch[Batch.AttentionMask]);
    }

    private static AdaptedModel Adapted(UserClassifier model) =>
        new(model, batch => model.call(batch[Batch.InputIds], batch[Batch.AttentionMask]), SimpleAdaptor);

    [Fact]
    public void GeneralDistiller_ReadmeExample_TrainsAndBringsMatchedLayersCloser()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        manual_seed(1);
        using var teacherModel = new UserClassifier(layers: 9);
        using var studentModel = new UserClassifier(layers: 3);

        var teacherParameters = ParameterTree.Summarize(teacherModel, maxLevel: 3);
        var studentParameters = ParameterTree.Summarize(studentModel, maxLevel: 3);
        Assert.True(teacherParameters[0].Count > 2.5 * studentParameters[0].Count, $"{teacherParameters[0].Count} vs {studentParameters[0].Count}");

        var trainConfig = new TrainingConfig { OutputDir = dir.File("out"), BatchSize = 8, LearningRate = 1e-2, LogSteps = 1, WarmupProportion = 0 };
        var distillConfig = JsonSerializer.Deserialize<DistillationConfig>("""
            {"intermediate_matches": [
              {"layer_T": 0, "layer_S": 0, "feature": "hidden", "loss": "hidden_mse", "weight": 1},
              {"layer_T": 8, "layer_S": 2, "feature": "hidden", "loss": "hidden_mse", "weight": 1}]}
            """)!.Validate("readme example");
        var distiller = new GeneralDistiller(trainConfig, distillConfig, Adapted(studentModel), new OnlineTeacher(Adapted(teacherModel)),
            new TrainerOutput(dir.File("out"), new StringWriter(), IsTerminal: false));

        // 64 random sequences of 10 tokens, the last 3 padded in every other one.
        manual_seed(2);
        var ids = randint(5, 50, [64, 10]);
        var mask = ones([64, 10], ScalarType.Int64);
        mask[TensorIndex.Slice(0, 64, 2), TensorIndex.Slice(7, 10)] = tensor(0L);
        var data = new IndexedFeed(64, 8, seed: 3, rows =>
        {
            var index = tensor(rows.Select(r => (long)r).ToArray());
            return new Batch(new Dictionary<string, Tensor> { [Batch.InputIds] = ids.index_select(0, index), [Batch.AttentionMask] = mask.index_select(0, index) }, rows.Count);
        });
        var before = HiddenDistance(teacherModel, studentModel, ids, mask);

        using var optimizer = new GcSafeAdamW(distiller.TrainableParameters().Select(p => p.Parameter), lr: 1e-2);
        var checkpoints = new List<long>();
        var summary = distiller.Train(optimizer, data, numEpochs: 3, callback: e => checkpoints.Add(e.GlobalStep));

        Assert.Equal(24, summary.Steps);
        Assert.Equal([8L, 16L, 24L], checkpoints); // one checkpoint per epoch, each reported to the callback
        var after = HiddenDistance(teacherModel, studentModel, ids, mask);
        Assert.True(after < before / 2, $"T8↔S2 hidden MSE before {before}, after {after}");
    }

    private static double HiddenDistance(UserClassifier teacher, UserClassifier student, Tensor ids, Tensor mask)
    {
        using var _ = no_grad();
        using var scope = NewDisposeScope();
        teacher.eval();
        student.eval();
        var t = teacher.call(ids, mask).Hidden[8];
        var s = student.call(ids, mask).Hidden[2];
        return (t - s).pow(2).mean().item<float>();
    }
}
