using Distill.Export.Graph;
using static TorchSharp.torch;

namespace Distill.Export.Mapping;

/// <summary>
/// A module's weights by Hugging Face key (<c>bert.encoder.layer.0.attention.self.query.weight</c>), seen from
/// one module's prefix. Every key read is recorded, so the exporter can refuse a model with weights it never wrote.
/// </summary>
internal sealed class ModuleWeights
{
    private readonly IReadOnlyDictionary<string, Tensor> all;
    private readonly HashSet<string> used;
    private readonly string prefix;

    public ModuleWeights(IReadOnlyDictionary<string, Tensor> weights) : this(weights, new HashSet<string>(StringComparer.Ordinal), "") { }

    private ModuleWeights(IReadOnlyDictionary<string, Tensor> all, HashSet<string> used, string prefix)
    {
        this.all = all;
        this.used = used;
        this.prefix = prefix;
    }

    /// <summary>The weights of a submodule, e.g. <c>Child("attention.self")</c>.</summary>
    public ModuleWeights Child(string name) => new(all, used, prefix + name + ".");

    /// <summary>The full key of a weight of this module (also a readable initializer name).</summary>
    public string Key(string name) => prefix + name;

    public bool Has(string name) => all.ContainsKey(Key(name));

    /// <summary>The keys never read, for the exporter's completeness check.</summary>
    public IReadOnlyList<string> Unused() => all.Keys.Where(k => !used.Contains(k)).ToList();

    /// <summary>Adds the weight as an initializer under its Hugging Face key, as stored.</summary>
    public string Initializer(OnnxGraphBuilder graph, string name)
    {
        var tensor = Read(name);
        return graph.Initializer(Key(name), Floats(tensor), tensor.shape);
    }

    /// <summary>
    /// Adds a Linear weight (stored (out, in)) transposed to (in, out), so that <c>MatMul(x, W)</c> computes
    /// <c>x·Wᵀ</c> as torch's Linear does: the layout ONNX Runtime's fusions expect.
    /// </summary>
    public string TransposedInitializer(OnnxGraphBuilder graph, string name)
    {
        var tensor = Read(name);
        if (tensor.dim() != 2) throw new ArgumentException($"{Key(name)} has shape [{string.Join(",", tensor.shape)}]; a Linear weight is 2-D");
        using var transposed = tensor.t().contiguous();
        return graph.Initializer(Key(name), Floats(transposed), transposed.shape);
    }

    /// <summary>Adds one initializer made from several weights (e.g. a GRU's two directions), recorded as used, by <paramref name="combine"/>.</summary>
    /// <param name="graph">the graph to add to</param>
    /// <param name="key">the initializer's name</param>
    /// <param name="names">the weights, as <see cref="Key"/> names them</param>
    /// <param name="combine">builds the initializer's tensor from the weights, in order</param>
    public string Initializer(OnnxGraphBuilder graph, string key, IReadOnlyList<string> names, Func<IReadOnlyList<Tensor>, Tensor> combine)
    {
        using var combined = combine(names.Select(Read).ToList());
        return graph.Initializer(key, Floats(combined), combined.shape);
    }

    /// <summary>
    /// Records a weight that the graph does not need, so the completeness check accepts it: e.g. the key bias when
    /// only one query attends (<see cref="FirstTokenLayerExport"/>), which adds the same constant to every score.
    /// </summary>
    public void Unneeded(string name) => Read(name);

    private Tensor Read(string name)
    {
        var key = Key(name);
        if (!all.TryGetValue(key, out var tensor))
        {
            throw new KeyNotFoundException($"the model has no weight {key}; found keys under {prefix}: {string.Join(", ", all.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal)).Take(12))}");
        }
        used.Add(key);
        return tensor;
    }

    private static float[] Floats(Tensor tensor)
    {
        using var values = tensor.detach().to(ScalarType.Float32).cpu().contiguous();
        return values.data<float>().ToArray();
    }
}
