using Distill.Export.Mapping;
using Distill.Inference;

namespace Distill.Export.Exporting;

/// <summary>What <c>export-onnx export</c> writes, and how it is checked.</summary>
/// <param name="ModelDirectory">our model (Hugging Face directory: config.json, model.safetensors, vocab.txt)</param>
/// <param name="OutputPath">the export directory (<see cref="ExportLayout"/>: the model at onnx/model.onnx, config and
/// tokenizer files at the top); or, ending in <c>.onnx</c>, the model file with those files beside it (a flat export)</param>
internal sealed record ExportRequest(string ModelDirectory, string OutputPath)
{
    public const double DefaultAtol = 1e-4;

    /// <summary>Whether <see cref="OutputPath"/> names the model file itself rather than an export directory.</summary>
    public bool Flat => OutputPath.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase);

    /// <summary>Where the model is written.</summary>
    public string OnnxPath => Flat ? Path.GetFullPath(OutputPath) : Path.Combine(Path.GetFullPath(OutputPath), ExportLayout.OnnxFolder, ModelFileName);

    /// <summary>The model file's name under the export directory's onnx/ folder (ignored by a flat export).</summary>
    public string ModelFileName { get; init; } = ExportLayout.ModelFileName;

    /// <summary>
    /// The same export as a second model file, its name the first's with <paramref name="suffix"/> for <c>.onnx</c>
    /// (<c>model_optimized.onnx</c>), beside the first: in onnx/ of an export directory, or beside a flat file.
    /// </summary>
    public ExportRequest Variant(string suffix) => Flat
        ? this with { OutputPath = Path.Combine(Path.GetDirectoryName(OnnxPath)!, Path.GetFileNameWithoutExtension(OnnxPath) + suffix) }
        : this with { ModelFileName = Path.GetFileNameWithoutExtension(ModelFileName) + suffix };

    /// <summary>Where config.json, vocab.txt and the tokenizer files are written.</summary>
    public string FilesDirectory => Flat ? Path.GetDirectoryName(OnnxPath)! : Path.GetFullPath(OutputPath);

    /// <summary>The longest input the metadata and tokenizer files declare; null: the length the run trained at (<see cref="TrainedLength"/>), else the model's limit.</summary>
    public int? MaxSeqLength { get; init; }

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
