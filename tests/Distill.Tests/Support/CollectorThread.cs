using TorchSharp;

namespace Distill.Tests.Support;

/// <summary>
/// Another thread that collects, runs finalizers and allocates Scalars as fast as it can until disposed: the condition under which a
/// Scalar that TorchSharp passes to LibTorch without keeping it alive is freed during the native call.
/// </summary>
internal sealed class CollectorThread : IDisposable
{
    private readonly CancellationTokenSource stop = new();
    private readonly Thread thread;

    public CollectorThread()
    {
        thread = new Thread(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                // Native memory that a finalizer has just freed is taken at once by Scalars of another type, as
                // on a busy process, so that a call still reading a freed Scalar sees the wrong type.
                for (var i = 0; i < 16; i++)
                {
                    using var reuse = true.ToScalar();
                }
            }
        });
        thread.Start();
    }

    public void Dispose()
    {
        stop.Cancel();
        thread.Join();
        stop.Dispose();
    }
}
