namespace Distill.Tests.Support;

/// <summary>The tiny distillation set-up (<see cref="TinyDistillation"/>), written once for a test class.</summary>
public sealed class TinyDistillationFixture : IDisposable
{
    public TinyDistillationFixture()
    {
        TestAssets.EnsureTorch();
        TinyDistillation.Write(Dir);
    }

    internal TemporaryDirectory Dir { get; } = new();

    public void Dispose() => Dir.Dispose();
}
