using Distill.Cache;
using Distill.Data;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using Distill.Tasks;
using Distill.Tests.Support;
using Distill.Tokenization;
using static TorchSharp.torch;

namespace Distill.Tests.Feeds;

/// <summary>The feed on the tiny cache (<see cref="TinyDistillation"/>), for a student whose vocabulary is not the teacher's.</summary>
public sealed class CachedTeacherFeedTests : IClassFixture<CachedTeacherFeedTests.Setup>
{
    public sealed class Setup : IDisposable
    {
        public Setup()
        {
            TestAssets.EnsureTorch();
            TinyDistillation.Write(Dir);
        }

        internal TemporaryDirectory Dir { get; } = new();

        public void Dispose() => Dir.Dispose();
    }

    private readonly TemporaryDirectory dir;

    public CachedTeacherFeedTests(Setup setup) => dir = setup.Dir;

    [Fact]
    public void Epoch_StudentSplitsTeachersWords_HiddenRowsAreTheTeachersWordOnTheStudentsTokens()
    {
        var tokenizer = WordPieceEncoder.FromVocabFile(dir.Write("split-vocab.txt", TinyDistillation.SplitVocabulary));
        var students = ClassificationData.Load(dir.File("train.jsonl"), tokenizer, ["neg", "pos"], 16, new DataReadOptions()).Features;
        var cached = ReadCache();
        var feed = new CachedTeacherFeed([new TeacherCache(dir.File("cache"), [2], [])], students, TaskKind.Classification, tokenizer.PadId, batchSize: 4, seed: 3, sameTokens: false);
        var byId = students.ToDictionary(f => f.FeatureId);
        var longer = 0;

        foreach (var batch in feed.Epoch(0, 0))
        {
            using var scope = NewDisposeScope();
            using (batch)
            {
                var teacher = batch.Teachers.Single();
                var hidden = teacher.Hidden![2];                                        // (B, T_student, H)
                var length = (int)hidden.shape[1];
                var width = (int)hidden.shape[2];
                Assert.Equal(batch[Batch.AttentionMask].data<long>().ToArray(), teacher.AlignedMask!.data<long>().ToArray());
                var values = hidden.data<float>().ToArray();
                for (var r = 0; r < batch.Size; r++)
                {
                    var student = byId[batch.FeatureIds[r]].Text;
                    var row = cached[batch.FeatureIds[r]];
                    if (student.Length > row.Length) longer++;
                    for (var s = 0; s < student.Length; s++)
                    {
                        // Each student token lies inside exactly one teacher token: [CLS] in [CLS], [SEP] in [SEP], a piece in its word.
                        var t = Containing(row, student, s);
                        Assert.Equal(row.Hidden[2].AsSpan(t * width, width).ToArray(), values.AsSpan((r * length + s) * width, width).ToArray());
                    }
                }
            }
        }
        Assert.True(longer > TinyDistillation.TrainCount / 2, $"the split vocabulary should give longer inputs than the teacher's in most rows, found {longer}");
    }

    private static int Containing(CacheRow row, TokenizedText student, int s)
    {
        if (s == 0) return 0;
        if (s == student.Length - 1) return row.Length - 1;
        var (start, end) = student.Offsets[s];
        return Enumerable.Range(1, row.Length - 2).Single(t => row.Offsets[2 * t] <= start && end <= row.Offsets[2 * t + 1]);
    }

    private Dictionary<string, CacheRow> ReadCache()
    {
        var reader = CacheReader.Open(dir.File("cache"));
        try
        {
            return reader.ReadAllAsync().ToBlockingEnumerable().ToDictionary(r => r.FeatureId, r => r.ToCacheRow());
        }
        finally
        {
            reader.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
