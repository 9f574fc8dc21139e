using Distill.Data;

namespace Distill.Export.Parity;

/// <summary>What <c>export-onnx parity</c> compares.</summary>
/// <param name="ModelDirectory">our model (Hugging Face directory)</param>
/// <param name="OnnxPath">the exported model</param>
/// <param name="DataPath">a data file of the model's task (its labels are not needed)</param>
public sealed record ParityRequest(string ModelDirectory, string OnnxPath, string DataPath)
{
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 7];

    /// <summary>Compare only the first N inputs; null for all.</summary>
    public int? MaxExamples { get; init; }

    public int MaxSeqLength { get; init; } = 128;
    public int Threads { get; init; } = 1;
    public DataReadOptions ReadOptions { get; init; } = new();
}
