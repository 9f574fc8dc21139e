// A word-level BiGRU student with its own vocabulary, built from TRAIN, distilled from a WordPiece teacher's cache
// (e.g. MiniLM fine-tuned on TRAIN, `cache-teacher run`), and the same student (same initial weights, same steps)
// trained on the labels alone, for comparison. The student's rows join the cache by feature id; its tokens are not
// the teacher's, so token-level targets would be aligned by character offsets (the KD target here is per sentence).
// Usage: sample-word-level CACHE_DIR TRAIN DEV OUT_DIR [EPOCHS] [MAX_WORDS]
using System.Globalization;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Api;
using Distill.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

var (cache, train, dev, output) = (args[0], args[1], args[2], args[3]);
var epochs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 10;
var maxWords = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 64;
TrainingConfig Settings(string name) => new() { OutputDir = Path.Combine(output, name), NumEpochs = epochs, BatchSize = 32, LearningRate = 2e-3 };

var tokenizer = WordLevelTokenizer.Build(TextData.Texts(train), maxSize: 20000, minCount: 1);
tokenizer.Save(Path.Combine(Directory.CreateDirectory(output).FullName, "words.txt"));
var trainData = TextData.Classification(train, tokenizer, maxWords);
var devData = TextData.Classification(dev, tokenizer, maxWords, labels: trainData.Labels);
Console.WriteLine($"vocabulary: {tokenizer.VocabSize} words from {trainData.Count} training sentences");

Student NewStudent()
{
    manual_seed(1); // both students start from the same weights
    return Student.Classifier(new BiGruClassifier(tokenizer.VocabSize, trainData.Labels.Count));
}

var alone = Distiller.Alone(NewStudent()).EvaluateOn(devData).Train(trainData, Settings("alone"));
var distilled = Distiller.Create(NewStudent(), Teacher.FromCache(cache), new DistillationConfig { Temperature = 2, HardLabelWeight = 1 })
    .EvaluateOn(devData).Train(trainData, Settings("distilled"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"alone:     dev {alone.MainMetric} {alone.BestMetric:F4} (step {alone.BestStep})"));
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"distilled: dev {distilled.MainMetric} {distilled.BestMetric:F4} (step {distilled.BestStep})"));

/// <summary>Word embeddings, a bidirectional GRU, a masked mean over the words, a linear classifier.</summary>
sealed class BiGruClassifier : nn.Module<Tensor, Tensor, Tensor>
{
    private readonly Embedding embeddings;
    private readonly GRU gru;
    private readonly Dropout dropout;
    private readonly Linear classifier;

    public BiGruClassifier(long vocabSize, int classes, int dim = 64) : base(nameof(BiGruClassifier))
    {
        embeddings = nn.Embedding(vocabSize, dim);
        gru = nn.GRU(dim, dim, batchFirst: true, bidirectional: true);
        dropout = nn.Dropout(0.3);
        classifier = nn.Linear(2 * dim, classes);
        RegisterComponents();
    }

    public override Tensor forward(Tensor inputIds, Tensor mask)
    {
        var (states, _) = gru.call(dropout.call(embeddings.call(inputIds)), null);      // (B, T, 2·dim)
        var weights = mask.unsqueeze(-1).to(states.dtype);                               // (B, T, 1)
        var mean = (states * weights).sum(1) / weights.sum(1);                           // (B, 2·dim)
        return classifier.call(dropout.call(mean));
    }
}
