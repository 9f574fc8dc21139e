using Onnx;

namespace Distill.Export.Quantization;

/// <summary>Names for new tensors and nodes that cannot collide with any name already in the graph.</summary>
internal sealed class UniqueNames(IEnumerable<string> taken)
{
    private readonly HashSet<string> used = taken.ToHashSet();

    public string Fresh(string wanted)
    {
        var name = wanted;
        for (var i = 1; !used.Add(name); i++) name = $"{wanted}_{i}";
        return name;
    }

    public static UniqueNames Of(GraphProto graph) => new(
        graph.Node.SelectMany(n => n.Input.Concat(n.Output).Append(n.Name))
            .Concat(graph.Initializer.Select(i => i.Name))
            .Concat(graph.Input.Select(i => i.Name))
            .Concat(graph.Output.Select(o => o.Name)));
}
