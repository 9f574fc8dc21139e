using Distill.Cache;
using Distill.Data;
using Distill.Models;
using Distill.Tasks;
using Distill.Teachers;
using Distill.Tests.Support;
using Distill.TeacherCaching;

namespace Distill.Tests.CacheTeacher;

/// <summary>The teacher/writer pipeline of one shard ends promptly with the first error, whichever side fails.</summary>
public sealed class ShardPipelineTests
{
    private static readonly TimeSpan Prompt = TimeSpan.FromSeconds(30);

    /// <summary>A real tiny teacher that throws on its <paramref name="failAt"/>-th batch (1-based); null never fails.</summary>
    private sealed class FailingTeacher(ITeacherModel inner, int? failAt) : ITeacherModel
    {
        private int calls;
        public TaskKind Kind => inner.Kind;
        public int LogitWidth => inner.LogitWidth;
        public int HiddenSize => inner.HiddenSize;
        public int NumLayers => inner.NumLayers;
        public int NumHeads => inner.NumHeads;
        public bool HasPooler => inner.HasPooler;

        public IReadOnlyList<TeacherOutput> Run(IReadOnlyList<TrainingFeature> batch, TeacherRequest request) =>
            ++calls == failAt ? throw new InvalidDataException($"teacher failed on batch {calls}") : inner.Run(batch, request);

        public void Dispose() => inner.Dispose();
    }

    private static (ITeacherModel Teacher, IReadOnlyList<TrainingFeature> Features) Tiny(TemporaryDirectory dir, int? failAt)
    {
        TestAssets.EnsureTorch();
        var encoderDir = TinyTask.Write(dir.Path, trainCount: 60);
        var (model, labels) = TaskModelDirectory.Load(encoderDir, TaskKind.Classification, ["neg", "pos"]);
        var tokenizer = ModelDirectory.LoadTokenizer(encoderDir, model.Config);
        var data = TaskDataLoader.Load(TaskKind.Classification, dir.File("train.jsonl"), tokenizer, labels, new TaskDataSettings(32, new DataReadOptions()));
        return (new FailingTeacher(new TorchTeacher(model, 2, tokenizer.PadId), failAt), data.Features);
    }

    private static readonly TeacherRequest Request = new([0], [], Pooled: false);

    [Fact]
    public async Task RunAsync_WriterFailsOnFirstBatch_EndsPromptlyWithTheWritersError()
    {
        using var dir = new TemporaryDirectory();
        var (teacher, features) = Tiny(dir, failAt: null);
        using var _ = teacher;
        var writes = 0;

        // 60 rows in batches of 3 are 20 batches: far more than the channel holds, so a producer that keeps
        // producing after the writer died would block.
        var run = ShardPipeline.RunAsync(features, teacher, Request, batchSize: 3, (_, _) =>
        {
            writes++;
            throw new IOException("No space left on device");
        }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<IOException>(() => run.WaitAsync(Prompt));
        Assert.Equal("No space left on device", error.Message);
        Assert.Equal(1, writes);
    }

    [Fact]
    public async Task RunAsync_TeacherFails_WaitsForTheWriterThenThrowsTheTeachersError()
    {
        using var dir = new TemporaryDirectory();
        var (teacher, features) = Tiny(dir, failAt: 3);
        using var _ = teacher;
        var active = 0;
        var written = 0;

        var run = ShardPipeline.RunAsync(features, teacher, Request, batchSize: 3, async (rows, _) =>
        {
            Interlocked.Increment(ref active);
            await Task.Delay(300, CancellationToken.None); // a slow disk: still writing when the teacher fails
            Interlocked.Add(ref written, rows.Count);
            Interlocked.Decrement(ref active);
        }, CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => run.WaitAsync(Prompt));
        Assert.Equal("teacher failed on batch 3", error.Message);
        // The writer is done before the caller may dispose the shard it writes into.
        Assert.Equal(0, Volatile.Read(ref active));
        Assert.True(written <= 6, $"{written} rows written after the teacher failed on batch 3 (2 batches of 3 before it)");
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var dir = new TemporaryDirectory();
        var (teacher, features) = Tiny(dir, failAt: null);
        using var _ = teacher;
        using var cancel = new CancellationTokenSource();
        var batches = 0;

        var run = ShardPipeline.RunAsync(features, teacher, Request, batchSize: 3, (_, _) =>
        {
            if (++batches == 2) cancel.Cancel();
            return Task.CompletedTask;
        }, cancel.Token);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Prompt));
        Assert.True(batches < 20, $"all {batches} batches were written after cancellation");
    }
}
