using Distill.Cache;
using Distill.Data;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.Models;
using Distill.Tasks;
using Distill.Tests.Support;
using Distill.Tokenization;
using static TorchSharp.torch;

namespace Distill.Tests.Feeds;

/// <summary>
/// The feed on the tiny caches (<see cref="TinyMultiTask"/>), for a student whose vocabulary splits the teacher's
/// words (<see cref="TinyDistillation.SplitVocabulary"/>): each of its tokens lies inside exactly one teacher token,
/// so each aligned row must be that token's row.
/// </summary>
public sealed class CachedTeacherFeedTests : IClassFixture<TinyMultiTaskFixture>
{
    private readonly TemporaryDirectory dir;

    public CachedTeacherFeedTests(TinyMultiTaskFixture setup) => dir = setup.Dir;

    [Fact]
    public void Epoch_StudentSplitsTeachersWords_HiddenRowsAreTheTeachersWordOnTheStudentsTokens()
    {
        var longer = AssertAligned(TaskKind.Classification, "train.jsonl", "cache", teacher => teacher.Hidden![2], row => row.Hidden[2]);

        Assert.True(longer > TinyDistillation.TrainCount / 2, $"the split vocabulary should give longer inputs than the teacher's in most rows, found {longer}");
    }

    [Fact]
    public void Epoch_TaggingStudentSplitsTeachersWords_LogitsAreTheTeachersWordOnTheStudentsTokens()
    {
        var longer = AssertAligned(TaskKind.Tagging, "tags-train.txt", "tags-cache", teacher =>
        {
            Assert.Same(teacher.AlignedMask, teacher.LogitsMask);
            return teacher.Logits!;
        }, row => row.Logits);

        Assert.True(longer > 0, "the split vocabulary should give longer inputs than the teacher's in some rows");
    }

    [Theory]
    [InlineData(7)]
    [InlineData(16)]
    [InlineData(19)]
    public void Epoch_GroupedByLength_ReadsEveryRowOnceInSortedGroupsAndResumesMidGroup(int firstBatch)
    {
        // 48 rows in batches of 2: a group of 16 batches, then one of 8; a resumed epoch skips whole groups in the reader.
        var tokenizer = WordPieceEncoder.FromVocabFile(dir.Write("split-vocab.txt", TinyDistillation.SplitVocabulary));
        var students = TaskDataLoader.Load(TaskKind.Classification, dir.File("train.jsonl"), tokenizer, null, new TaskDataSettings(16, new DataReadOptions())).Features;
        var lengths = students.ToDictionary(f => f.FeatureId, f => f.Text.Length);
        CachedTeacherFeed Feed() => new([new TeacherCache(dir.File("cache"), [2], [])], students, TaskKind.Classification, tokenizer.PadId, batchSize: 2, seed: 3,
            sameTokens: false, groupByLength: true);
        static List<string[]> Ids(IEnumerable<Batch> batches) => batches.Select(b =>
        {
            using (b) return b.FeatureIds.ToArray();
        }).ToList();

        var full = Ids(Feed().Epoch(1, 0));

        Assert.Equal(students.Select(f => f.FeatureId).Order(), full.SelectMany(b => b).Order());
        foreach (var group in new[] { full[..16], full[16..] })
        {
            var spans = group.Select(b => (Min: b.Min(id => lengths[id]), Max: b.Max(id => lengths[id]))).OrderBy(s => s.Min).ThenBy(s => s.Max).ToList();
            for (var i = 1; i < spans.Count; i++) Assert.True(spans[i - 1].Max <= spans[i].Min, $"batches of a group interleave in length: {spans[i - 1]} then {spans[i]}");
        }
        Assert.True(lengths.Values.Distinct().Count() > 2, "the rows should differ in length");
        Assert.Equal(full.Skip(firstBatch).Select(b => string.Join(',', b)), Ids(Feed().Epoch(1, firstBatch)).Select(b => string.Join(',', b)));
    }

    // Reads one epoch of the feed and checks every real student token's aligned row against the cached row of the
    // teacher token containing it, and the aligned mask against the input mask (every token here is aligned);
    // returns how many rows the student reads in more tokens than the teacher.
    private int AssertAligned(TaskKind kind, string data, string cacheName, Func<AdaptorOutput, Tensor> aligned, Func<CacheWriteRow, float[]> teacherValues)
    {
        var tokenizer = WordPieceEncoder.FromVocabFile(dir.Write("split-vocab.txt", TinyDistillation.SplitVocabulary));
        var students = TaskDataLoader.Load(kind, dir.File(data), tokenizer, null, new TaskDataSettings(16, new DataReadOptions())).Features;
        var cached = ReadCache(dir.File(cacheName));
        var feed = new CachedTeacherFeed([new TeacherCache(dir.File(cacheName), [2], [])], students, kind, tokenizer.PadId, batchSize: 4, seed: 3, sameTokens: false);
        var byId = students.ToDictionary(f => f.FeatureId);
        var longer = 0;

        foreach (var batch in feed.Epoch(0, 0))
        {
            using var scope = NewDisposeScope();
            using (batch)
            {
                var teacher = batch.Teachers.Single();
                var values = aligned(teacher);                                           // (B, T_student, width)
                var length = (int)values.shape[1];
                var width = (int)values.shape[2];
                Assert.Equal(batch[Batch.AttentionMask].data<long>().ToArray(), teacher.AlignedMask!.data<long>().ToArray());
                var flat = values.data<float>().ToArray();
                for (var r = 0; r < batch.Size; r++)
                {
                    var student = byId[batch.FeatureIds[r]].Text;
                    var row = cached[batch.FeatureIds[r]];
                    if (student.Length > row.Length) longer++;
                    for (var s = 0; s < student.Length; s++)
                    {
                        var t = Containing(row, student, s);
                        Assert.Equal(teacherValues(row).AsSpan(t * width, width).ToArray(), flat.AsSpan((r * length + s) * width, width).ToArray());
                    }
                }
            }
        }
        return longer;
    }

    private static int Containing(CacheWriteRow row, TokenizedText student, int s)
    {
        if (s == 0) return 0;
        if (s == student.Length - 1) return row.Length - 1;
        var (start, end) = student.Offsets[s];
        return Enumerable.Range(1, row.Length - 2).Single(t => row.Offsets[2 * t] <= start && end <= row.Offsets[2 * t + 1]);
    }

    private static Dictionary<string, CacheWriteRow> ReadCache(string cacheDir)
    {
        var reader = CacheReader.Open(cacheDir);
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
