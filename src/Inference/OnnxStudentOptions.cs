namespace Distill.Inference;

/// <summary>How an <see cref="OnnxStudent"/> runs. Defaults suit a small service on a shared CPU.</summary>
public sealed class OnnxStudentOptions
{
    /// <summary>ONNX Runtime intra-op CPU threads. Default: 1.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Try the CUDA provider first, falling back to the CPU. Default: true.</summary>
    public bool PreferCuda { get; init; } = true;

    /// <summary>Receives the one line saying which execution provider runs and why. Default: null (silent).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>QA: context tokens shared by consecutive windows (as <c>distill-student eval --doc-stride</c>). Default: 64.</summary>
    public int DocStride { get; init; } = 64;

    /// <summary>QA: longer questions are cut to this many tokens (as <c>--max-query-length</c>). Default: 64.</summary>
    public int MaxQueryLength { get; init; } = 64;
}
