namespace Distill.Tests.Support;

/// <summary>The tiny two-task set-up (<see cref="TinyMultiTask"/>), written once for a test class.</summary>
public sealed class TinyMultiTaskFixture : IDisposable
{
    public TinyMultiTaskFixture()
    {
        TestAssets.EnsureTorch();
        TinyMultiTask.Write(Dir);
    }

    internal TemporaryDirectory Dir { get; } = new();

    public void Dispose() => Dir.Dispose();
}
