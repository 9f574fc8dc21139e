using Distill.Export.Mapping;

namespace Distill.Export.Exporting;

/// <summary>What <c>export-onnx export</c> writes, and how it is checked.</summary>
/// <param name="ModelDirectory">our model (Hugging Face directory: config.json, model.safetensors, vocab.txt)</param>
/// <param name="OutputPath">the .onnx file; vocab.txt and config.json are written beside it</param>
public sealed record ExportRequest(string ModelDirectory, string OutputPath)
{
    public const double DefaultAtol = 1e-4;

    public int Opset { get; init; } = BertExport.DefaultOpset;

    /// <summary>Also output <c>last_hidden_state</c> from a task model.</summary>
    public bool HiddenState { get; init; }

    /// <summary>Write the BERT encoder as ONNX Runtime's fused contrib operators (Attention, SkipLayerNormalization, ...); the file then runs in ONNX Runtime only.</summary>
    public bool Fused { get; init; }

    /// <summary>Rewrites applied in order to the built graph (see <see cref="GraphPass"/>).</summary>
    public IReadOnlyList<GraphPass> Passes { get; init; } = [];

    /// <summary>The largest absolute difference from our model accepted on the built-in inputs.</summary>
    public double Atol { get; init; } = DefaultAtol;

    /// <summary>The smallest argmax agreement accepted; null judges by <see cref="Atol"/> only (fp32).</summary>
    public double? MinAgreement { get; init; }

    public int Threads { get; init; } = 1;
}
