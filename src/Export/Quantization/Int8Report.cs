namespace Distill.Export.Quantization;

/// <summary>One weight the int8 pass quantized: <c>Op</c> is MatMul or Gather.</summary>
internal sealed record QuantizedTensor(string Name, string Op, int Rows, int Cols, bool PerChannel, Int8WeightType Type)
{
    public long FloatBytes => 4L * Rows * Cols;
    public long QuantizedBytes => (long)Rows * Cols + (PerChannel ? 5L * Cols : 5);
}

/// <summary>A float weight the int8 pass left as it was, and why.</summary>
internal sealed record KeptTensor(string Name, string Op, string Reason);

/// <summary>What an int8 pass (<see cref="StaticInt8Quantizer"/> or <see cref="DynamicInt8Quantizer"/>) did, with the serialized model size before and after.</summary>
internal sealed record Int8Report(IReadOnlyList<QuantizedTensor> Quantized, IReadOnlyList<KeptTensor> Kept, long BytesBefore, long BytesAfter) : IPassReport
{
    public bool Changed => Quantized.Count > 0;

    public IEnumerable<string> Lines()
    {
        if (!Changed)
        {
            yield return "int8: nothing to quantize (no MatMul or Gather with a float weight initializer); the model is unchanged";
        }
        foreach (var q in Quantized)
        {
            yield return $"int8: {q.Op} {q.Name} [{q.Rows},{q.Cols}] {q.Type.ToString().ToLowerInvariant()} {(q.PerChannel ? "per-channel" : "per-tensor")}";
        }
        foreach (var k in Kept)
        {
            yield return $"int8: kept float32: {k.Op} {k.Name} ({k.Reason})";
        }
        var weights = Quantized.Sum(q => q.FloatBytes);
        yield return $"int8: {Quantized.Count} weights quantized ({weights / 1e6:F1} MB float32 -> {Quantized.Sum(q => q.QuantizedBytes) / 1e6:F1} MB), {Kept.Count} kept; model {BytesBefore / 1e6:F1} MB -> {BytesAfter / 1e6:F1} MB";
    }
}
