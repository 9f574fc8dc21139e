using System.Globalization;
using System.Text.Json;

namespace Distill.Export.Bench;

/// <summary>The kernel time of one op type over a profile: its nodes' run time summed, and how many nodes of that type ran.</summary>
internal sealed record OpTime(string OpType, double Microseconds, int Nodes);

/// <summary>
/// An ONNX Runtime profile (the JSON that <c>SessionOptions.EnableProfiling</c> writes: Chrome trace events, one
/// <c>NAME_kernel_time</c> event of category <c>Node</c> per node per run, its op type in <c>args.op_name</c> and its
/// duration in µs) summed by op type, to show where a model's time goes.
/// </summary>
internal static class OrtProfile
{
    private const string KernelSuffix = "_kernel_time";

    /// <returns>op types by kernel time, largest first</returns>
    public static IReadOnlyList<OpTime> ByOpType(string json)
    {
        using var document = JsonDocument.Parse(json);
        if (document.RootElement.ValueKind != JsonValueKind.Array) throw new InvalidDataException($"an ONNX Runtime profile is a JSON array of trace events; found a {document.RootElement.ValueKind}");
        var kernels = document.RootElement.EnumerateArray()
            .Where(e => e.TryGetProperty("cat", out var cat) && cat.GetString() == "Node"
                && e.TryGetProperty("name", out var name) && name.GetString()!.EndsWith(KernelSuffix, StringComparison.Ordinal))
            .Select(e => (Node: e.GetProperty("name").GetString()!, Op: e.GetProperty("args").GetProperty("op_name").GetString()!, Duration: e.GetProperty("dur").GetDouble()));
        return kernels.GroupBy(k => k.Op)
            .Select(g => new OpTime(g.Key, g.Sum(k => k.Duration), g.Select(k => k.Node).Distinct().Count()))
            .OrderByDescending(o => o.Microseconds).ThenBy(o => o.OpType, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>One line: each op type's kernel time per run and share, e.g. "MatMul×6 3.10 ms 61.2 %, Attention×1 …; total 5.07 ms".</summary>
    public static string Line(IReadOnlyList<OpTime> ops, int runs)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        var total = ops.Sum(o => o.Microseconds);
        string Ms(double microseconds) => (microseconds / runs / 1000).ToString("F2", CultureInfo.InvariantCulture);
        var parts = ops.Select(o => $"{o.OpType}×{o.Nodes} {Ms(o.Microseconds)} ms {(o.Microseconds * 100 / total).ToString("F1", CultureInfo.InvariantCulture)} %");
        return $"{string.Join(", ", parts)}; total {Ms(total)} ms per run";
    }
}
