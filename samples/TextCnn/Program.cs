// A TextCNN student (embeddings → Conv1d → max-pool → linear) distilled from a teacher cache, e.g. MiniLM
// fine-tuned on TRAIN and cached by `cache-teacher run`. The student reads the teacher's vocabulary.
// Usage: sample-textcnn CACHE_DIR VOCAB_TXT TRAIN DEV OUT_DIR [EPOCHS] [MAX_LENGTH]
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Api;
using Distill.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

var (cache, vocab, train, dev, output) = (args[0], args[1], args[2], args[3], args[4]);
var epochs = args.Length > 5 ? int.Parse(args[5]) : 5;
var maxLength = args.Length > 6 ? int.Parse(args[6]) : 64; // the length the cache was made at

var tokenizer = WordPieceEncoder.FromVocabFile(vocab);
var trainData = TextData.Classification(train, tokenizer, maxLength);
var devData = TextData.Classification(dev, tokenizer, maxLength, labels: trainData.Labels);

manual_seed(1);
var model = new TextCnn(tokenizer.VocabSize, trainData.Labels.Count);
var summary = Distiller.Create(Student.Classifier(model), Teacher.FromCache(cache), new DistillationConfig { Temperature = 2 })
    .EvaluateOn(devData)
    .Train(trainData, new TrainingConfig { OutputDir = output, NumEpochs = epochs, BatchSize = 32, LearningRate = 2e-3 });
Console.WriteLine($"steps {summary.Steps}; best dev {summary.MainMetric} {summary.BestMetric:F4} at step {summary.BestStep}; model in {summary.BestDir}");

/// <summary>Embeddings, three convolutions of widths 2, 3 and 4, each max-pooled over time, then a linear classifier.</summary>
sealed class TextCnn : nn.Module<Tensor, Tensor>
{
    private readonly Embedding embeddings;
    private readonly ModuleList<Conv1d> convs;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public TextCnn(long vocabSize, int classes, int dim = 64, int filters = 64) : base(nameof(TextCnn))
    {
        embeddings = nn.Embedding(vocabSize, dim);
        convs = nn.ModuleList([.. new[] { 2, 3, 4 }.Select(width => nn.Conv1d(dim, filters, width, padding: width / 2))]);
        dropout = nn.Dropout(0.2);
        classifier = nn.Linear(3 * filters, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor inputIds)
    {
        var x = embeddings.call(inputIds).transpose(1, 2);                                  // (B, dim, T)
        var pooled = convs.Select(conv => conv.call(x).relu().max(2).values);     // (B, filters) per width
        return classifier.call(dropout.call(cat(pooled.ToList(), 1)));                     // (B, classes)
    }
}
