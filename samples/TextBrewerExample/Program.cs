// TextBrewer's README example, ported: show both models' parameters, an adaptor that returns logits and hidden
// states, a DistillationConfig matching teacher layer 0 to student layer 0 and teacher layer 8 to student layer 2,
// then train. The models are the user's own modules (a BERT encoder with a linear head) run online on user batches;
// here they are tiny and random, and the data is 64 random sequences, so it runs anywhere in seconds.
// Usage: sample-textbrewer OUT_DIR
using System.Text.Json;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Api;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Models.Bert;

manual_seed(1);
var teacherModel = new UserClassifier(layers: 9);
var studentModel = new UserClassifier(layers: 3);

// Show the statistics of model parameters (textbrewer.utils.display_parameters).
foreach (var (name, model) in new[] { ("teacher", teacherModel), ("student", studentModel) })
{
    Console.WriteLine($"{name}_model's parameters:");
    foreach (var row in ParameterTree.Summarize(model, maxLevel: 3)) Console.WriteLine($"  {row.Path,-40} {row.Count,10:N0} {row.Share,7:P1}");
}

// Define an adaptor for interpreting the model inputs and outputs: the model returns (logits, hidden states).
static AdaptorOutput SimpleAdaptor(Batch batch, (Tensor Logits, IReadOnlyList<Tensor> Hidden) outputs) =>
    new(Logits: outputs.Logits, Hidden: AdaptorOutput.Layers(outputs.Hidden), InputMask: batch[Batch.AttentionMask]);

// Training configuration, and a distillation configuration matching different layers of the student and the teacher.
var trainConfig = new TrainingConfig { OutputDir = args[0], NumEpochs = 3, BatchSize = 8, LearningRate = 1e-2, WarmupProportion = 0, LogSteps = 4 };
var distillConfig = JsonSerializer.Deserialize<DistillationConfig>("""
    {"intermediate_matches": [
      {"layer_T": 0, "layer_S": 0, "feature": "hidden", "loss": "hidden_mse", "weight": 1},
      {"layer_T": 8, "layer_S": 2, "feature": "hidden", "loss": "hidden_mse", "weight": 1}]}
    """);

// Build the distiller.
var distiller = Distiller.Create(
    Student.Create(studentModel, batch => SimpleAdaptor(batch, studentModel.call(batch[Batch.InputIds], batch[Batch.AttentionMask]))),
    Teacher.Create(teacherModel, batch => SimpleAdaptor(batch, teacherModel.call(batch[Batch.InputIds], batch[Batch.AttentionMask]))),
    distillConfig);

// The dataloader: 64 random sequences of 10 tokens, the last 3 padded in every other one.
manual_seed(2);
var ids = randint(5, 50, [64, 10]);
var mask = ones([64, 10], ScalarType.Int64);
mask[TensorIndex.Slice(0, 64, 2), TensorIndex.Slice(7, 10)] = tensor(0L);
var dataloader = new IndexedFeed(64, trainConfig.BatchSize, seed: 3, rows =>
{
    var index = tensor(rows.Select(r => (long)r).ToArray());
    return new Batch(new Dictionary<string, Tensor> { [Batch.InputIds] = ids.index_select(0, index), [Batch.AttentionMask] = mask.index_select(0, index) }, rows.Count);
});

// Start!
var summary = distiller.Train(dataloader, trainConfig);
Console.WriteLine($"steps {summary.Steps}; checkpoints and logs in {args[0]}");

/// <summary>A user's own model: a BERT encoder and a linear head over the first token's state; returns (logits, hidden states).</summary>
sealed class UserClassifier : nn.Module<Tensor, Tensor, (Tensor Logits, IReadOnlyList<Tensor> Hidden)>
{
    private readonly BertModel bert;
    private readonly Linear head;

    public UserClassifier(int layers) : base(nameof(UserClassifier))
    {
        bert = new BertModel(new BertConfig { VocabSize = 50, HiddenSize = 16, NumHiddenLayers = layers, NumAttentionHeads = 2, IntermediateSize = 32,
            MaxPositionEmbeddings = 32, HiddenDropoutProb = 0, AttentionProbsDropoutProb = 0 }, addPoolingLayer: false);
        head = nn.Linear(16, 2);
        RegisterComponents();
    }

    public override (Tensor Logits, IReadOnlyList<Tensor> Hidden) forward(Tensor inputIds, Tensor mask)
    {
        var output = bert.forward(inputIds, mask);
        return (head.call(output.LastHiddenState[.., 0]), output.HiddenStates);
    }
}
