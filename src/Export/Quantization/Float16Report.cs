namespace Distill.Export.Quantization;

/// <summary>What <see cref="Float16Converter"/> did, with the serialized model size before and after.</summary>
/// <param name="ClampedValues">Constants beyond ±65504 (float16's largest finite value) set to ±65504; attention
/// masks written with float32's minimum would otherwise become -inf and 0 × -inf = NaN.</param>
internal sealed record Float16Report(
    int ConvertedInitializers, int KeptInitializers, int ConvertedConstants, long ClampedValues,
    int CastsInserted, IReadOnlyDictionary<string, int> NodesKeptInFloat32, long BytesBefore, long BytesAfter) : IPassReport
{
    public bool Changed => ConvertedInitializers + ConvertedConstants + CastsInserted > 0;

    public IEnumerable<string> Lines()
    {
        if (!Changed)
        {
            yield return "fp16: nothing to convert (no float32 tensors); the model is unchanged";
            yield break;
        }
        yield return $"fp16: {ConvertedInitializers} initializers and {ConvertedConstants} constants to float16 ({ClampedValues} values clamped to ±65504), {KeptInitializers} initializers kept float32";
        yield return $"fp16: computed in float32: {(NodesKeptInFloat32.Count == 0 ? "nothing" : string.Join(", ", NodesKeptInFloat32.OrderBy(k => k.Key).Select(k => $"{k.Value} {k.Key}")))}; {CastsInserted} Casts inserted";
        yield return $"fp16: model {BytesBefore / 1e6:F1} MB -> {BytesAfter / 1e6:F1} MB";
    }
}
