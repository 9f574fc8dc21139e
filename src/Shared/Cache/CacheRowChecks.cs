namespace Distill.Cache;

/// <summary>Checks a row's array lengths against a spec before it is written.</summary>
internal static class CacheRowChecks
{
    /// <summary>Throws a <see cref="CacheFormatException"/> naming the row and every bad field.</summary>
    public static void Validate(CacheRow row, CacheSpec spec, string where)
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
        }
        Tensors(problems, "Hidden", row.Hidden, spec.HiddenLayers, (long)t * spec.HiddenSize, "T × hidden_size");
        Tensors(problems, "Attentions", row.Attentions, spec.AttentionLayers, (long)spec.NumHeads * t * t, "num_heads × T × T");
        if (spec.Pooled)
        {
            Length(problems, "Pooled", row.Pooled?.Length, spec.HiddenSize, "hidden_size");
        }
        else if (row.Pooled is not null)
        {
            problems.Add("Pooled is set but the spec has pooled = false");
        }
        if (problems.Count > 0)
        {
            throw new CacheFormatException($"{where} (feature_id \"{row.FeatureId}\", T = {t}): {string.Join("; ", problems)}");
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

    private static void Tensors(List<string> problems, string field, IReadOnlyList<float[]>? tensors, IReadOnlyList<int> layers, long expected, string rule)
    {
        if (tensors is null || tensors.Count != layers.Count)
        {
            problems.Add($"{field} has {tensors?.Count.ToString() ?? "null"} arrays, expected one per layer [{string.Join(", ", layers)}]");
            return;
        }
        for (int i = 0; i < layers.Count; i++)
        {
            Length(problems, $"{field}[{i}] (layer {layers[i]})", tensors[i]?.Length, expected, rule);
        }
    }
}
