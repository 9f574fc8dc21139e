using System.Diagnostics;
using Distill.DistillStudent.Feeds;

namespace Distill.DistillBench;

/// <summary>What <see cref="StepClock"/> measured.</summary>
/// <param name="MsPerStep">mean milliseconds per timed step</param>
/// <param name="Startup">from the first batch's request to the first timed batch's request (reader start-up and warm-up steps)</param>
/// <param name="CpuMsPerStep">the process's CPU milliseconds per timed step (every thread: the loop, the feed's reader, the GC), steadier than wall time on a shared machine</param>
public sealed record StepTiming(double MsPerStep, TimeSpan Startup, double CpuMsPerStep);

/// <summary>
/// A feed of exactly warm-up + timed + 1 batches taken from another feed (its epochs chained if one is too short),
/// presented as one epoch, so a 1-epoch run takes exactly that many optimizer steps. The training loop asks for
/// batch k+1 only after step k has finished, so the time from the request of batch <c>warmup</c> to the request of
/// batch <c>warmup + timed</c> is exactly the timed steps, batch production included; the extra last batch keeps
/// the run's final checkpoint, which follows the last step, out of that window. With the batches prefetched (2+
/// threads) the requests come from the producer, a batch or two ahead of the step, at both ends of the window alike.
/// </summary>
public sealed class StepClock(IBatchFeed inner, int batchSize, int warmup, int timed) : IBatchFeed
{
    private readonly Stopwatch clock = new();
    private TimeSpan start;
    private TimeSpan timedStart;
    private TimeSpan timedEnd;
    private TimeSpan cpuStart;
    private TimeSpan cpuEnd;
    private bool done;

    public int Count => BatchesPerEpoch * batchSize;

    public int BatchesPerEpoch => warmup + timed + 1;

    public IEnumerable<Batch> Epoch(int epoch, int firstBatch)
    {
        if (epoch != 0 || firstBatch != 0) throw new InvalidOperationException("the bench feed is one fresh epoch; the output directory must start empty");
        clock.Restart();
        // The iterator's code runs when the loop calls MoveNext, i.e. when it asks for the next batch: the first
        // time here, later right after the yield below resumes (the previous step has then ended).
        var k = 0;
        Mark(k);
        for (var innerEpoch = 0; k < BatchesPerEpoch; innerEpoch++)
        {
            foreach (var batch in inner.Epoch(innerEpoch, 0))
            {
                yield return batch;
                if (++k == BatchesPerEpoch) break;
                Mark(k);
            }
        }
    }

    private void Mark(int requested)
    {
        if (requested == 0) start = clock.Elapsed;
        if (requested == warmup)
        {
            timedStart = clock.Elapsed;
            cpuStart = ProcessCpu();
        }
        if (requested == warmup + timed)
        {
            timedEnd = clock.Elapsed;
            cpuEnd = ProcessCpu();
            // The last batch is handed out: the trainer stops after its step without asking for more.
            done = true;
        }
    }

    public StepTiming Result()
    {
        if (!done) throw new InvalidOperationException("the run did not take every batch");
        return new StepTiming((timedEnd - timedStart).TotalMilliseconds / timed, timedStart - start, (cpuEnd - cpuStart).TotalMilliseconds / timed);
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
