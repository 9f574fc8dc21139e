using Distill.Cache;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Api;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Tokenization;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.Tests.Api;

/// <summary>
/// <see cref="Distiller"/> over a cache written through the API: the cache is checked against the student's data before
/// anything is written, and a student with its own tokenizer joins it by feature id at its own length.
/// </summary>
public sealed class DistillerTests
{
    /// <summary>Token ids to logits through a mean of embeddings.</summary>
    private sealed class MeanClassifier : nn.Module<Tensor, Tensor>
    {
        private readonly Embedding embeddings;
        private readonly Linear classifier;

        public MeanClassifier(long vocabSize) : base(nameof(MeanClassifier))
        {
            embeddings = nn.Embedding(vocabSize, 8);
            classifier = nn.Linear(8, 2);
            RegisterComponents();
        }

        public override Tensor forward(Tensor inputIds) => classifier.call(embeddings.call(inputIds).mean([1]));
    }

    /// <summary>The tiny task's data read with its WordPiece vocabulary at 16 tokens, and a random teacher's cache of it.</summary>
    private static async Task<(TextData Train, Teacher Cache)> CachedAsync(TemporaryDirectory dir)
    {
        TestAssets.EnsureTorch();
        TinyTask.Write(dir.Path, trainCount: 16, devCount: 8);
        var train = TextData.Classification(dir.File("train.jsonl"), WordPieceEncoder.FromVocabFile(dir.File("vocab.txt")), maxLength: 16);
        manual_seed(4);
        var cache = await Teacher.Classifier(new MeanClassifier(train.Tokenizer.VocabSize))
            .WriteCacheAsync(train, dir.File("cache"), new TeacherCacheOptions { DType = CacheDType.Fp32, Log = new StringWriter() });
        return (train, cache);
    }

    private static TrainingConfig Config(string output) => new() { OutputDir = output, NumEpochs = 2, BatchSize = 4, LearningRate = 1e-2, LogSteps = 1 };

    [Fact]
    public async Task Train_CacheOfOtherData_RefusedBeforeAnythingIsWritten()
    {
        using var dir = new TemporaryDirectory();
        var (train, cache) = await CachedAsync(dir);
        var dev = TextData.Classification(dir.File("dev.jsonl"), train.Tokenizer, maxLength: 16);
        var longer = TextData.Classification(dir.File("train.jsonl"), train.Tokenizer, maxLength: 32);
        var distiller = Distiller.Create(Student.Classifier(new MeanClassifier(train.Tokenizer.VocabSize)), cache).LogTo(new StringWriter());

        var otherFile = Assert.Throws<CacheFormatException>(() => distiller.Train(dev, Config(dir.File("out"))));
        var otherLength = Assert.Throws<CacheFormatException>(() => distiller.Train(longer, Config(dir.File("out"))));

        Assert.Contains("made from other data than", otherFile.Message);
        Assert.Contains("\"max_seq_length\":16", otherLength.Message);
        Assert.Contains("\"max_seq_length\":32", otherLength.Message);
        Assert.False(Directory.Exists(dir.File("out")));
    }

    [Fact]
    public async Task Train_StudentWithItsOwnTokenizer_JoinsByFeatureIdAtItsOwnLength()
    {
        using var dir = new TemporaryDirectory();
        var (_, cache) = await CachedAsync(dir);
        var words = WordLevelTokenizer.Build(TextData.Texts(dir.File("train.jsonl")));
        var train = TextData.Classification(dir.File("train.jsonl"), words, maxLength: 8);
        manual_seed(5);
        var log = new StringWriter();

        var checkpoints = new List<long>();
        var distiller = Distiller.Create(Student.Classifier(new MeanClassifier(words.VocabSize)), cache).LogTo(log).EvaluateOn(train)
            .OnCheckpoint(e => checkpoints.Add(e.GlobalStep));

        var summary = distiller.Train(train, Config(dir.File("out")));

        Assert.Equal(8, summary.Steps);
        Assert.Equal([4L, 8L], checkpoints);
        // The last checkpoint's evaluation is of the model as training left it.
        Assert.Equal(summary.LastMetrics!["accuracy"], distiller.Evaluate(train)["accuracy"]);
        Assert.True(File.Exists(dir.File("out", "best", "model.safetensors")), log.ToString());
        Assert.Contains("\"kd_loss\"", File.ReadAllText(dir.File("out", "metrics.jsonl")));
    }

    [Fact]
    public void Train_WithoutAnOutputDirectory_Refused()
    {
        using var dir = new TemporaryDirectory();
        TinyTask.Write(dir.Path, trainCount: 4, devCount: 2);
        var train = TextData.Classification(dir.File("train.jsonl"), WordPieceEncoder.FromVocabFile(dir.File("vocab.txt")), maxLength: 16);

        var error = Assert.Throws<ConfigException>(() => Distiller.Alone(Student.Classifier(new MeanClassifier(train.Tokenizer.VocabSize))).Train(train, new TrainingConfig()));

        Assert.Contains("output_dir is required", error.Message);
    }
}
