using System.Globalization;

namespace Distill.Cache;

/// <summary>
/// Checks a row against a spec before it is written: array lengths, and values that are finite and, in fp16,
/// within its range (a larger value would be stored as infinity). A teacher output that fails is refused, with
/// its example named, rather than cached: a distiller never meets a NaN or infinity from the cache.
/// </summary>
internal static class CacheRowChecks
{
    /// <summary>Throws a <see cref="CacheFormatException"/> naming the row and every bad field.</summary>
    public static void Validate(CacheWriteRow row, CacheSpec spec, string where)
    {
        ArgumentNullException.ThrowIfNull(row);
        var problems = new List<string>();
        int t = row.InputIds?.Length ?? 0;
        if (string.IsNullOrEmpty(row.FeatureId))
        {
            problems.Add("FeatureId is empty");
        }
        if (row.ExampleId is null)
        {
            problems.Add("ExampleId is null");
        }
        if (t == 0)
        {
            problems.Add("InputIds is empty (a row holds at least one token)");
        }
        Length(problems, "Offsets", row.Offsets?.Length, 2L * t, "2 × T");
        Length(problems, "Segments", row.Segments?.Length, t, "T");
        if (row.Segments is not null && row.Segments.Any(s => s is < -1 or > 1))
        {
            problems.Add($"Segments holds {row.Segments.First(s => s is < -1 or > 1)}; allowed: -1 (special), 0, 1");
        }
        int positions = spec.Positions(t);
        string positionText = spec.TokenLevelLogits ? "T × logit_width" : "logit_width";
        if (spec.TopK is { } k && row.TopK is { } topK)
        {
            Length(problems, "TopK.Values", topK.Values?.Length, (long)positions * k, $"positions × top_k");
            Length(problems, "TopK.Indices", topK.Indices?.Length, (long)positions * k, $"positions × top_k");
            Length(problems, "TopK.LogSumExp", topK.LogSumExp?.Length, positions, "positions");
            Finite(problems, "TopK.Values", topK.Values, null);
            Finite(problems, "TopK.LogSumExp", topK.LogSumExp, null);
            if (topK.Indices is not null && topK.Indices.Any(i => i < 0 || i >= spec.LogitWidth))
            {
                problems.Add($"TopK.Indices holds {topK.Indices.First(i => i < 0 || i >= spec.LogitWidth)}, outside [0, {spec.LogitWidth})");
            }
        }
        else
        {
            if (spec.TopK is null && row.TopK is not null)
            {
                problems.Add("TopK is set but the spec has no top_k");
            }
            Length(problems, "Logits", row.Logits?.Length, (long)positions * spec.LogitWidth, positionText);
            Finite(problems, "Logits", row.Logits, null); // logits stay float32
        }
        var tensorLimit = spec.DType == CacheDType.Fp16 ? (float)Half.MaxValue : (float?)null;
        Tensors(problems, "Hidden", row.Hidden, spec.HiddenLayers, (long)t * spec.HiddenSize, "T × hidden_size", tensorLimit);
        Tensors(problems, "Attentions", row.Attentions, spec.AttentionLayers, (long)spec.NumHeads * t * t, "num_heads × T × T", tensorLimit);
        Tensors(problems, "Projections", row.Projections, (spec.ProjectionLayers ?? []).SelectMany(l => Enumerable.Repeat(l, 3)).ToList(), (long)t * spec.HiddenSize, "T × hidden_size", tensorLimit);
        if (spec.Pooled)
        {
            Length(problems, "Pooled", row.Pooled?.Length, spec.HiddenSize, "hidden_size");
            Finite(problems, "Pooled", row.Pooled, tensorLimit);
        }
        else if (row.Pooled is not null)
        {
            problems.Add("Pooled is set but the spec has pooled = false");
        }
        if (problems.Count > 0)
        {
            throw new CacheFormatException($"{where} (feature_id \"{row.FeatureId}\", example_id \"{row.ExampleId}\", T = {t}): {string.Join("; ", problems)}");
        }
    }

    private static void Length(List<string> problems, string field, int? actual, long expected, string rule)
    {
        if (actual is null)
        {
            problems.Add($"{field} is null, expected {rule} = {expected} values");
        }
        else if (actual != expected)
        {
            problems.Add($"{field} has {actual} values, expected {rule} = {expected}");
        }
    }

    /// <summary>The first value of <paramref name="values"/> that is NaN, infinite, or beyond ±<paramref name="limit"/> when one is given.</summary>
    private static void Finite(List<string> problems, string field, float[]? values, float? limit)
    {
        if (values is null) return;
        for (var i = 0; i < values.Length; i++)
        {
            var value = values[i];
            if (!float.IsFinite(value))
            {
                problems.Add($"{field}[{i}] is {value.ToString(CultureInfo.InvariantCulture)}: the teacher gave a non-finite output for this example");
                return;
            }
            if (limit is { } max && Math.Abs(value) > max)
            {
                problems.Add($"{field}[{i}] is {value.ToString(CultureInfo.InvariantCulture)}, beyond fp16's ±{max.ToString(CultureInfo.InvariantCulture)} (it would be stored as infinity; cache with --dtype bf16 or fp32)");
                return;
            }
        }
    }

    private static void Tensors(List<string> problems, string field, IReadOnlyList<float[]>? tensors, IReadOnlyList<int> layers, long expected, string rule, float? limit)
    {
        if (tensors is null || tensors.Count != layers.Count)
        {
            problems.Add($"{field} has {tensors?.Count.ToString() ?? "null"} arrays, expected one per layer [{string.Join(", ", layers)}]");
            return;
        }
        for (int i = 0; i < layers.Count; i++)
        {
            Length(problems, $"{field}[{i}] (layer {layers[i]})", tensors[i]?.Length, expected, rule);
            Finite(problems, $"{field}[{i}] (layer {layers[i]})", tensors[i], limit);
        }
    }
}
