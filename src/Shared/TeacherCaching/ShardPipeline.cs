using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Distill.Cache;
using Distill.Tasks;
using Distill.Teachers;

namespace Distill.TeacherCaching;

/// <summary>
/// Runs the teacher over one shard's features on the calling thread while a background task hands the rows to
/// the shard writer, so that disk work overlaps the teacher's forward passes.
/// </summary>
internal static class ShardPipeline
{
    /// <param name="slice">the shard's features</param>
    /// <param name="teacher">the teacher run over them</param>
    /// <param name="request">the intermediate outputs to keep</param>
    /// <param name="batchSize">features per forward pass</param>
    /// <param name="write">stores one batch of rows (the shard writer); called on a background task, one batch at a time</param>
    /// <param name="cancellation">stops both sides</param>
    public static async Task RunAsync(IReadOnlyList<TrainingFeature> slice, ITeacherModel teacher, TeacherRequest request, int batchSize,
        Func<IReadOnlyList<CacheWriteRow>, CancellationToken, Task> write, CancellationToken cancellation)
    {
        // One token stops both sides: when the writer fails nothing reads the channel any more, so the
        // producer's next write would wait forever; when the teacher fails the writer must stop before the
        // caller disposes the shard it writes into.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
        var channel = Channel.CreateBounded<IReadOnlyList<CacheWriteRow>>(new BoundedChannelOptions(2) { SingleReader = true, SingleWriter = true });
        var consumer = Task.Run(async () =>
        {
            try
            {
                await foreach (var batch in channel.Reader.ReadAllAsync(stop.Token))
                {
                    await write(batch, stop.Token);
                }
            }
            catch
            {
                await stop.CancelAsync();
                throw;
            }
        }, CancellationToken.None);
        try
        {
            // Sorted by length so that batches waste little compute on padding; the shard keeps that order.
            foreach (var batch in slice.OrderBy(f => f.Text.Length).Chunk(batchSize))
            {
                stop.Token.ThrowIfCancellationRequested();
                var outputs = teacher.Run(batch, request);
                var cacheRows = batch.Select((f, i) => ToRow(f, outputs[i])).ToList();
                await channel.Writer.WriteAsync(cacheRows, stop.Token);
            }
            channel.Writer.Complete();
        }
        catch (Exception producerError)
        {
            channel.Writer.TryComplete();
            await stop.CancelAsync();
            var writerError = await FailureOf(consumer);
            // A cancelled producer was stopped by the writer's failure (or by the caller): the writer's error came first.
            if (producerError is OperationCanceledException && writerError is not null and not OperationCanceledException)
            {
                ExceptionDispatchInfo.Throw(writerError);
            }
            throw;
        }
        await consumer;
    }

    private static async Task<Exception?> FailureOf(Task task)
    {
        try
        {
            await task;
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static CacheWriteRow ToRow(TrainingFeature feature, TeacherOutput output)
    {
        var text = feature.Text;
        var offsets = new int[text.Length * 2];
        for (var i = 0; i < text.Length; i++) (offsets[2 * i], offsets[2 * i + 1]) = text.Offsets[i];
        return new CacheWriteRow(feature.FeatureId, feature.ExampleId, text.Ids, offsets, text.Segments, output.Logits, output.Hidden, output.Attentions, output.Pooled)
        {
            Projections = output.Projections,
        };
    }
}
