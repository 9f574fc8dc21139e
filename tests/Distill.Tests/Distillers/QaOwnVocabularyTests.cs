using Distill.Data;
using Distill.DistillStudent;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using Distill.Tasks;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Distillers;

/// <summary>
/// A QA student with its own vocabulary distilled from a cache of the tiny QA teacher (<see cref="TinyQa"/>): its
/// windows are not the teacher's, so its rows are joined to the teacher's per example (<see cref="Distill.CrossVocabulary.QaWindowJoin"/>).
/// </summary>
public sealed class QaOwnVocabularyTests : IClassFixture<QaOwnVocabularyTests.Setup>
{
    public sealed class Setup : IDisposable
    {
        public Setup()
        {
            TestAssets.EnsureTorch();
            TinyQa.Write(Dir);
            Student = TinyDistillation.OwnVocabularyStudent(Dir, "qa-own", Dir.Write("qa-vocab.txt", TinyQa.StudentVocabulary));
        }

        internal TemporaryDirectory Dir { get; } = new();

        internal string Student { get; }

        public void Dispose() => Dir.Dispose();
    }

    private readonly Setup setup;
    private readonly TemporaryDirectory dir;

    public QaOwnVocabularyTests(Setup setup)
    {
        this.setup = setup;
        dir = setup.Dir;
    }

    [Fact]
    public void Distill_QaStudentWithOwnVocabulary_MovesStartEndLogitsTowardTheTeachersMappedOnes()
    {
        var output = dir.File("qa-own-run");
        File.WriteAllText(dir.File("qa-distill.json"), """
            {"temperature": 1, "kd_loss_type": "ce", "hard_label_weight": 0,
             "intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 1}]}
            """);
        var before = MappedKl(setup.Student);

        var run = CliRun.Invoke(DistillStudentCli.Create(), ["distill", "--student", setup.Student, "--cache", dir.File("cache"),
            "--distill-config", dir.File("qa-distill.json"), "--task", "qa", "--train", dir.File("train.json"), "--dev", dir.File("dev.json"),
            "--out", output, "--batch-size", "8", "--lr", "5e-3", "--seed", "9", "--epochs", "6", .. TinyQa.Reading]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var after = MappedKl(Directory.GetDirectories(Path.Combine(output, "checkpoints")).Order(StringComparer.Ordinal).Last());
        Assert.True(after < before / 2, $"KL from the teacher's mapped start/end distributions to the student's: before {before}, after {after}");
    }

    [Fact]
    public void Epoch_QaStudentWithOwnVocabulary_JoinsEveryWindowToItsExampleAndAlignsEveryRealToken()
    {
        var (features, tokenizer) = StudentFeatures(setup.Student);
        var feed = new CachedTeacherFeed([new TeacherCache(dir.File("cache"), [2], [])], features, TaskKind.Qa, tokenizer.PadId, batchSize: 16, seed: 1, sameTokens: false);
        var rows = 0;

        foreach (var batch in feed.Epoch(0, 0))
        {
            using var scope = NewDisposeScope();
            using (batch)
            {
                var teacher = batch.Teachers.Single();
                // The student's windows are many more than the teacher's 3 per example, yet every real token takes a teacher token.
                Assert.Equal(batch[Batch.AttentionMask].data<long>().ToArray(), teacher.AlignedMask!.data<long>().ToArray());
                Assert.Equal(batch[Batch.AttentionMask].shape, teacher.Hidden![2].shape[..2]);
                rows += batch.Size;
            }
        }
        Assert.Equal(features.Count, rows);
        Assert.True(features.Count > 3 * 32, $"the student should cut more windows than the teacher's 96, found {features.Count}");
    }

    private (IReadOnlyList<TrainingFeature> Features, Distill.Tokenization.WordPieceEncoder Tokenizer) StudentFeatures(string studentDir)
    {
        var config = BertConfig.Load(Path.Combine(studentDir, "config.json"));
        var tokenizer = ModelDirectory.LoadTokenizer(studentDir, config);
        var data = TaskDataLoader.Load(TaskKind.Qa, dir.File("train.json"), tokenizer, null, new TaskDataSettings(16, new DataReadOptions(), DocStride: 3, MaxQueryLength: 8));
        return (data.Features, tokenizer);
    }

    /// <summary>
    /// Mean KL divergence of the student's start and end distributions from the teacher's, mapped to the student's
    /// windows by the feed, over the training windows.
    /// </summary>
    private double MappedKl(string studentDir)
    {
        var (features, tokenizer) = StudentFeatures(studentDir);
        var feed = new CachedTeacherFeed([new TeacherCache(dir.File("cache"), [], [])], features, TaskKind.Qa, tokenizer.PadId, batchSize: 16, seed: 1, sameTokens: false);
        var (model, _) = TaskModelDirectory.Load(studentDir, TaskKind.Qa, null);
        using (model)
        using (no_grad())
        {
            model.eval();
            var total = 0.0;
            foreach (var batch in feed.Epoch(0, 0))
            {
                using var scope = NewDisposeScope();
                using (batch)
                {
                    var teacher = batch.Teachers.Single();
                    var student = BertAdaptor.Adapt(TaskKind.Qa, batch, model.forward(batch[Batch.InputIds], batch[Batch.AttentionMask], batch[Batch.TokenTypeIds]));
                    var logitsT = teacher.Logits!.log_softmax(-1);
                    var logitsS = KdLogits.Exclude(student.Logits!, teacher.AlignedMask!).log_softmax(-1);
                    total += (logitsT.exp() * (logitsT - logitsS)).sum(-1).sum().item<float>();
                }
            }
            return total / (2 * features.Count);
        }
    }
}
