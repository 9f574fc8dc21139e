using Distill.IO;
using Polly;
using Polly.Retry;

namespace Distill.Cache;

/// <summary>
/// Bounded retries of file-system steps that can fail transiently (network and cluster file systems
/// report brief outages as <see cref="IOException"/>); a missing file or folder is not transient, and a failed
/// fsync (<see cref="SyncFailedException"/>) is never retried: the kernel has dropped the data it could not write.
/// </summary>
internal static class IoRetry
{
    public static ResiliencePipeline Create(int attempts, TimeSpan firstDelay, Action<string>? log)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(attempts, 1);
        if (attempts == 1)
        {
            return ResiliencePipeline.Empty;
        }
        return new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder().Handle<IOException>(e => e is not FileNotFoundException and not DirectoryNotFoundException and not SyncFailedException),
                MaxRetryAttempts = attempts - 1,
                Delay = firstDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = false,
                OnRetry = args =>
                {
                    log?.Invoke($"{args.Context.OperationKey ?? "I/O"} failed (attempt {args.AttemptNumber + 1} of {attempts}): "
                        + $"{args.Outcome.Exception?.Message}; retrying in {args.RetryDelay.TotalMilliseconds:0} ms");
                    return default;
                },
            })
            .Build();
    }

    /// <summary>Runs <paramref name="step"/> under <paramref name="pipeline"/>, naming it in log lines.</summary>
    public static void Run(ResiliencePipeline pipeline, string what, Action step, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(what, cancellationToken);
        try
        {
            pipeline.Execute(_ => step(), context);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
