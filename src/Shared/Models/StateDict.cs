using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>Copies named weights into a module, checking every key and shape first.</summary>
internal static class StateDict
{
    // Buffers that some Hugging Face checkpoints carry and that this model recomputes.
    private static readonly HashSet<string> IgnoredKeys = ["embeddings.position_ids"];

    /// <summary>
    /// Loads <paramref name="weights"/> into <paramref name="module"/>. Keys may carry a prefix that the module's
    /// keys lack (e.g. <c>bert.</c> from a task checkpoint); it is stripped. Throws one
    /// <see cref="ModelLoadException"/> listing every missing, unexpected and mis-shaped key.
    /// </summary>
    public static void Load(nn.Module module, IReadOnlyDictionary<string, Tensor> weights, string source, string? stripPrefix = null)
    {
        var targets = module.state_dict();
        var incoming = new Dictionary<string, Tensor>();
        foreach (var (name, tensor) in weights)
        {
            var key = stripPrefix is not null && name.StartsWith(stripPrefix, StringComparison.Ordinal) && !targets.ContainsKey(name)
                ? name[stripPrefix.Length..]
                : name;
            if (!IgnoredKeys.Contains(key)) incoming[key] = tensor;
        }

        var missing = targets.Keys.Where(k => !incoming.ContainsKey(k)).ToList();
        var unexpected = incoming.Keys.Where(k => !targets.ContainsKey(k)).ToList();
        var misShaped = targets
            .Where(t => incoming.TryGetValue(t.Key, out var w) && !w.shape.SequenceEqual(t.Value.shape))
            .Select(t => $"{t.Key} (expected [{string.Join(",", t.Value.shape)}], found [{string.Join(",", incoming[t.Key].shape)}])")
            .ToList();
        // A diverged run's weights (NaN, infinity) would load and then predict nonsense or fail far from the cause.
        var nonFinite = NonFinite(incoming.Where(kv => targets.ContainsKey(kv.Key)).ToDictionary());
        if (missing.Count + unexpected.Count + misShaped.Count + nonFinite.Count > 0)
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add($"missing keys: {string.Join(", ", missing)}");
            if (unexpected.Count > 0) parts.Add($"unexpected keys: {string.Join(", ", unexpected)}");
            if (misShaped.Count > 0) parts.Add($"mis-shaped keys: {string.Join(", ", misShaped)}");
            if (nonFinite.Count > 0) parts.Add($"non-finite values (NaN or infinity, as a diverged training leaves) in: {string.Join(", ", nonFinite)}");
            throw new ModelLoadException($"{source}: weights do not fit the model; {string.Join("; ", parts)}");
        }

        using var _ = no_grad();
        foreach (var (name, target) in targets)
        {
            target.copy_(incoming[name]);
        }
    }

    /// <summary>The floating-point tensors holding a NaN or an infinity, each as "name (N of M values)".</summary>
    public static IReadOnlyList<string> NonFinite(IReadOnlyDictionary<string, Tensor> weights)
    {
        var found = new List<string>();
        using var scope = NewDisposeScope();
        foreach (var (name, tensor) in weights.Where(kv => kv.Value.is_floating_point()))
        {
            var bad = tensor.isfinite().logical_not().sum().item<long>();
            if (bad > 0) found.Add($"{name} ({bad} of {tensor.numel()} values)");
        }
        return found;
    }

    /// <summary>The module's parameters and buffers as a detached name → tensor map, in module order.</summary>
    public static Dictionary<string, Tensor> Of(nn.Module module) =>
        module.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach());
}
