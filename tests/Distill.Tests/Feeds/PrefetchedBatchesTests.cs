using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Registry;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Feeds;

public sealed class PrefetchedBatchesTests : IClassFixture<TinyDistillationFixture>
{
    private readonly TemporaryDirectory dir;

    public PrefetchedBatchesTests(TinyDistillationFixture setup) => dir = setup.Dir;

    /// <summary>A cached distillation of the tiny student (kd + hidden_mse, 24 steps, dropout on) with or without prefetching; its weights.</summary>
    private Dictionary<string, float[]> Distil(string name, bool prefetch)
    {
        var training = new TrainingConfig
        {
            Task = "classification", Model = dir.File("student"), TrainFile = dir.File("train.jsonl"), OutputDir = dir.File(name),
            BatchSize = 4, MaxSeqLength = 16, NumSteps = 24, LearningRate = 5e-3, Seed = 9,
        }.Validate("test");
        File.WriteAllText(dir.File($"{name}.json"), """
            {"temperature": 2, "kd_loss_type": "ce", "hard_label_weight": 0.5,
             "intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 1}]}
            """);
        var distillation = DistillationConfig.Load(dir.File($"{name}.json")).Validate("test", ComponentRegistry.Catalog, studentLayers: 1, teacherLayers: [2]);
        manual_seed(training.Seed);
        using var student = TaskStudent.Load(training, TextWriter.Null);
        var feed = new CachedTeacherFeed([new TeacherCache(dir.File("cache"), [2], [])], student.Train.Features, training.TaskKind,
            student.Tokenizer.PadId, training.BatchSize, training.Seed);
        var output = new TrainerOutput(training.OutputDir!, TextWriter.Null, IsTerminal: false);
        new GeneralDistiller(training, distillation, student.Adapted(), new CachedTeacher(), output) { PrefetchBatches = prefetch }.Train(feed);
        return student.Model.Module.named_parameters().ToDictionary(p => p.name, p => p.parameter.data<float>().ToArray());
    }

    [Fact]
    public void Train_PrefetchedOrNot_SameWeightsForTheSameSeed()
    {
        var plain = Distil("plain", prefetch: false);
        var prefetched = Distil("prefetched", prefetch: true);

        Assert.Equal(plain.Keys, prefetched.Keys);
        Assert.All(plain, p => Assert.Equal(p.Value, prefetched[p.Key]));
    }

    [Theory]
    [InlineData(1, 2, false)] // one thread stays on one core
    [InlineData(2, 2, false)] // the intra-op threads take every core: the producer would preempt one
    [InlineData(2, 4, true)]
    [InlineData(3, 4, true)]
    [InlineData(4, 4, false)]
    public void PrefetchesByDefault_OnlyWithACoreBeyondTheIntraOpThreads(int threads, int processors, bool expected) =>
        Assert.Equal(expected, TrainerBase.PrefetchesByDefault(threads, processors));

    private static Batch Numbered(int i) => new(new Dictionary<string, Tensor> { ["n"] = tensor(new long[] { i }) }, size: 1);

    private sealed class Source(int count, int throwAt = -1)
    {
        public List<Batch> Made { get; } = [];

        public int ThreadId { get; private set; }

        public bool Finished { get; private set; }

        public IEnumerable<Batch> Batches()
        {
            ThreadId = Environment.CurrentManagedThreadId;
            try
            {
                for (var i = 0; i < count; i++)
                {
                    if (i == throwAt) throw new InvalidDataException($"batch {i} cannot be read");
                    var batch = Numbered(i);
                    Made.Add(batch);
                    yield return batch;
                }
            }
            finally
            {
                Finished = true;
            }
        }
    }

    [Fact]
    public void Of_ConsumerStopsEarly_SourceEndsOnItsThreadAndUntakenBatchesAreDisposed()
    {
        TestAssets.EnsureTorch();
        var source = new Source(10);
        var taken = new List<long>();

        foreach (var batch in PrefetchedBatches.Of(source.Batches(), depth: 2))
        {
            using (batch) taken.Add(batch["n"].item<long>());
            if (taken.Count == 3) break;
        }

        Assert.Equal([0L, 1L, 2L], taken);
        Assert.True(source.Finished); // its finally ran (a reader's dispose) before the consumer went on
        Assert.NotEqual(Environment.CurrentManagedThreadId, source.ThreadId);
        Assert.InRange(source.Made.Count, 4, 6); // at most depth ahead, plus the one being built
        Assert.All(source.Made, b => Assert.Throws<InvalidOperationException>(() => b["n"].item<long>()));
    }

    [Fact]
    public void Of_SourceThrows_ConsumerGetsTheBatchesBeforeThenTheException()
    {
        TestAssets.EnsureTorch();
        var source = new Source(10, throwAt: 4);
        var taken = new List<long>();

        var error = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var batch in PrefetchedBatches.Of(source.Batches()))
            {
                using (batch) taken.Add(batch["n"].item<long>());
            }
        });

        Assert.Equal("batch 4 cannot be read", error.Message);
        Assert.Equal([0L, 1L, 2L, 3L], taken);
    }
}
