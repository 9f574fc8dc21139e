namespace Distill.Tests.Support;

/// <summary>
/// Another thread that collects and runs finalizers as fast as it can until disposed: the condition under which a
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
