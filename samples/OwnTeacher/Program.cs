// A user's own TorchSharp teacher, cached through the library and distilled into a smaller model of the same kind:
// a word-level vocabulary built from TRAIN; the teacher (2 layers of width 64) trained on the labels; its logits and
// last hidden layer cached (the shards, manifest and checksums of `cache-teacher run`: `cache-teacher verify
// OUT_DIR/cache` checks them); a 1-layer student of width 32 distilled from the cache with KD and a hidden-state
// match through a trained linear projection (32 → 64).
// Usage: sample-own-teacher TRAIN DEV OUT_DIR [EPOCHS]
using System.Text.Json;
using Distill.Cache;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Api;
using Distill.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

var (train, dev, output) = (args[0], args[1], args[2]);
var epochs = args.Length > 3 ? int.Parse(args[3]) : 5;
TrainingConfig Settings(string name) => new() { OutputDir = Path.Combine(output, name), NumEpochs = epochs, BatchSize = 16, LearningRate = 3e-3 };

var tokenizer = WordLevelTokenizer.Build(TextData.Texts(train), maxSize: 20000);
var trainData = TextData.Classification(train, tokenizer, maxLength: 64);
var devData = TextData.Classification(dev, tokenizer, maxLength: 64, labels: trainData.Labels);

manual_seed(1);
var teacherModel = new WordClassifier(tokenizer.VocabSize, trainData.Labels.Count, dim: 64, layers: 2);
var teacherRun = Distiller.Alone(Student.Classifier(teacherModel)).EvaluateOn(devData).Train(trainData, Settings("teacher"));
var cache = await Teacher.Classifier(teacherModel).WriteCacheAsync(trainData, Path.Combine(output, "cache"),
    new TeacherCacheOptions { HiddenLayers = [2], DType = CacheDType.Fp32 });

var studentModel = new WordClassifier(tokenizer.VocabSize, trainData.Labels.Count, dim: 32, layers: 1);
var distillation = JsonSerializer.Deserialize<DistillationConfig>("""
    {"temperature": 2, "hard_label_weight": 0.5, "intermediate_matches": [
      {"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 1, "proj": ["linear", 32, 64]}]}
    """);
var studentRun = Distiller.Create(Student.Classifier(studentModel), cache, distillation).EvaluateOn(devData).Train(trainData, Settings("student"));
Console.WriteLine($"teacher: dev {teacherRun.MainMetric} {teacherRun.BestMetric:F4}; cache in {cache.CacheDir}");
Console.WriteLine($"student: dev {studentRun.MainMetric} {studentRun.BestMetric:F4}; model in {studentRun.BestDir}");

/// <summary>Word embeddings, position-wise GELU layers, a masked mean over the tokens, a linear classifier; returns (logits, hidden states).</summary>
sealed class WordClassifier : nn.Module<Tensor, Tensor, (Tensor Logits, IReadOnlyList<Tensor> Hidden)>
{
    private readonly Embedding embeddings;
    private readonly ModuleList<Linear> layers;
    private readonly Linear classifier;

    public WordClassifier(long vocabSize, int classes, int dim, int layers) : base(nameof(WordClassifier))
    {
        embeddings = nn.Embedding(vocabSize, dim);
        this.layers = nn.ModuleList([.. Enumerable.Range(0, layers).Select(_ => nn.Linear(dim, dim))]);
        classifier = nn.Linear(dim, classes);
        RegisterComponents();
    }

    public override (Tensor Logits, IReadOnlyList<Tensor> Hidden) forward(Tensor inputIds, Tensor mask)
    {
        var hidden = new List<Tensor> { embeddings.call(inputIds) };                       // (B, T, dim) each
        foreach (var layer in layers) hidden.Add(nn.functional.gelu(layer.call(hidden[^1])));
        var weights = mask.unsqueeze(-1).to(hidden[^1].dtype);                              // (B, T, 1)
        var mean = (hidden[^1] * weights).sum(1) / weights.sum(1);                          // (B, dim): tensors only, no implicit Scalars
        return (classifier.call(mean), hidden);
    }
}
