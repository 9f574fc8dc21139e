using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>One row of <see cref="ParameterTree"/>: a module path and what its parameters weigh.</summary>
/// <param name="Path">the module path, as many name segments as the row's level</param>
/// <param name="Level">how many name segments group this row (1 = top-level modules)</param>
/// <param name="Count">parameters under the path</param>
/// <param name="Share">their share of all the module's parameters, 0 to 1</param>
/// <param name="Megabytes">their size in memory, in MB</param>
public sealed record ParameterRow(string Path, int Level, long Count, double Share, double Megabytes);

/// <summary>
/// Parameter counts per module path up to a depth, like TextBrewer's <c>display_parameters</c>:
/// level 1 groups by the first name segment, level 2 by the first two, and so on.
/// </summary>
public static class ParameterTree
{
    /// <summary>The module's parameters grouped by the first <paramref name="maxLevel"/> segments of their names, with counts, shares and sizes.</summary>
    /// <param name="module">any module, e.g. a student to report before training</param>
    /// <param name="maxLevel">the deepest grouping: 1 by the first name segment, 2 by the first two, …</param>
    public static IReadOnlyList<ParameterRow> Summarize(nn.Module module, int maxLevel) =>
        Summarize(module.named_parameters().Select(p => (p.name, p.parameter.NumberOfElements, p.parameter.NumberOfElements * p.parameter.ElementSize)), maxLevel);

    /// <summary>The same rows from named tensors, e.g. every tensor of a model.safetensors file.</summary>
    public static IReadOnlyList<ParameterRow> Summarize(IEnumerable<(string Name, long Count, long Bytes)> tensors, int maxLevel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLevel, 1);
        var parameters = tensors.ToList();
        var total = parameters.Sum(p => p.Count);
        var totalBytes = parameters.Sum(p => p.Bytes);

        var rows = new List<ParameterRow> { new("(total)", 0, total, 1.0, totalBytes / 1e6) };
        // Each path is listed once, at its first appearance, so children follow their parent.
        var seen = new Dictionary<string, int>();
        foreach (var (name, count, bytes) in parameters)
        {
            var segments = name.Split('.');
            // The last segment names the tensor (weight/bias), not a module.
            for (var level = 1; level <= Math.Min(maxLevel, segments.Length - 1); level++)
            {
                var path = string.Join('.', segments.Take(level));
                if (!seen.TryGetValue(path, out var index))
                {
                    index = rows.Count;
                    seen[path] = index;
                    rows.Add(new ParameterRow(path, level, 0, 0, 0));
                }
                var row = rows[index];
                rows[index] = row with { Count = row.Count + count, Megabytes = row.Megabytes + bytes / 1e6 };
            }
        }
        return rows.Select(r => r with { Share = total == 0 ? 0 : (double)r.Count / total }).ToList();
    }
}
