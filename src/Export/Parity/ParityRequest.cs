using System.Globalization;
using Distill.Data;
using Distill.Models;
using Distill.Errors;

namespace Distill.Export.Parity;

/// <summary>What <c>export-onnx parity</c> compares.</summary>
/// <param name="ModelDirectory">our model (Hugging Face directory)</param>
/// <param name="OnnxPath">the exported model</param>
/// <param name="DataPath">a data file of the model's task (its labels are not needed)</param>
internal sealed record ParityRequest(string ModelDirectory, string OnnxPath, string DataPath)
{
    public IReadOnlyList<int> BatchSizes { get; init; } = [1, 7];

    /// <summary>Compare only the first N inputs; null for all.</summary>
    public int? MaxExamples { get; init; }

    public int MaxSeqLength { get; init; } = 128;
    public int Threads { get; init; } = 1;
    public DataReadOptions ReadOptions { get; init; } = new();

    /// <summary>Reads <c>--batch-sizes</c>: comma-separated positive integers such as <c>1,7</c>.</summary>
    public static IReadOnlyList<int> ParseBatchSizes(string text)
    {
        var sizes = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            if (!int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size < 1)
            {
                throw new ConfigException($"--batch-sizes: \"{part}\" is not a positive integer (expected e.g. 1,7)");
            }
            sizes.Add(size);
        }
        return sizes;
    }
}
