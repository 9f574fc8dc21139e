using Distill.Cache;

namespace Distill.Tests.Cache;

public sealed class IoRetryTests
{
    [Fact]
    public void Run_TwoTransientFailures_SucceedsOnTheThirdAttemptAndLogsEach()
    {
        var log = new List<string>();
        var pipeline = IoRetry.Create(3, TimeSpan.FromMilliseconds(1), log.Add);
        int calls = 0;

        IoRetry.Run(pipeline, "renaming x", () =>
        {
            if (++calls < 3)
            {
                throw new IOException("device busy");
            }
        }, CancellationToken.None);

        Assert.Equal(3, calls);
        Assert.Equal(2, log.Count);
        Assert.StartsWith("renaming x failed (attempt 1 of 3): device busy; retrying in 1 ms", log[0]);
        Assert.StartsWith("renaming x failed (attempt 2 of 3): device busy; retrying in 2 ms", log[1]);
    }

    [Fact]
    public void Run_AlwaysFailing_GivesUpAfterTheLastAttempt()
    {
        var pipeline = IoRetry.Create(3, TimeSpan.FromMilliseconds(1), null);
        int calls = 0;

        Assert.Throws<IOException>(() => IoRetry.Run(pipeline, "flush", () => { calls++; throw new IOException("gone"); }, CancellationToken.None));

        Assert.Equal(3, calls);
    }

    [Fact]
    public void Run_MissingFile_IsNotRetried()
    {
        var pipeline = IoRetry.Create(3, TimeSpan.FromMilliseconds(1), null);
        int calls = 0;

        Assert.Throws<FileNotFoundException>(() => IoRetry.Run(pipeline, "rename", () => { calls++; throw new FileNotFoundException("no"); }, CancellationToken.None));

        Assert.Equal(1, calls);
    }

    [Fact]
    public void Run_FailedFsync_IsNotRetried()
    {
        var pipeline = IoRetry.Create(3, TimeSpan.FromMilliseconds(1), null);
        int calls = 0;

        Assert.Throws<Distill.IO.SyncFailedException>(() => IoRetry.Run(pipeline, "fsync", () => { calls++; throw new Distill.IO.SyncFailedException("EIO"); }, CancellationToken.None));

        Assert.Equal(1, calls);
    }
}
