using Onnx;

namespace Distill.Export.Graph;

/// <summary>What a graph is made of: node counts by op type, to show what ONNX Runtime fused.</summary>
internal static class OpCounts
{
    /// <summary>Node counts by op type (contrib ops as <c>com.microsoft.Attention</c>), most frequent first.</summary>
    public static IReadOnlyList<KeyValuePair<string, int>> Of(ModelProto model) =>
        model.Graph.Node
            .GroupBy(n => string.IsNullOrEmpty(n.Domain) || n.Domain == "ai.onnx" ? n.OpType : $"{n.Domain}.{n.OpType}")
            .Select(g => KeyValuePair.Create(g.Key, g.Count()))
            .OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .ToList();
}
