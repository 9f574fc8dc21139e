using Distill.Safetensors;
using static TorchSharp.torch;

namespace Distill.Models;

/// <summary>
/// The one way a safetensors file reaches a module: read, handed over, disposed. Every loader (model directories,
/// checkpoints, projections, reports) goes through here, so that no tensor read from a file outlives its use and
/// every error names the file (and, from <see cref="StateDict.Load"/>, each missing, unexpected or mis-shaped key).
/// </summary>
internal static class StateDictFile
{
    /// <summary>
    /// Reads every tensor of <paramref name="path"/>, gives them to <paramref name="use"/> and disposes them after it
    /// returns or throws (tensors <paramref name="use"/> adds to the map are disposed too; what it returns must not hold them).
    /// </summary>
    public static T Read<T>(string path, Func<Dictionary<string, Tensor>, T> use)
    {
        ArgumentNullException.ThrowIfNull(use);
        var weights = SafetensorsFile.Read(path);
        try
        {
            return use(weights);
        }
        finally
        {
            foreach (var tensor in weights.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// Loads <paramref name="path"/> into <paramref name="module"/> with the strict key and shape check of
    /// <see cref="StateDict.Load"/>.
    /// </summary>
    /// <param name="module">the module whose state is replaced</param>
    /// <param name="path">the safetensors file</param>
    /// <param name="stripPrefix">a prefix the file's keys may carry and the module's lack (e.g. <c>bert.</c>)</param>
    /// <param name="onlyPrefixed">load only the keys under <paramref name="stripPrefix"/> (one module of a file holding several)</param>
    public static void Load(nn.Module module, string path, string? stripPrefix = null, bool onlyPrefixed = false)
    {
        ArgumentNullException.ThrowIfNull(module);
        if (onlyPrefixed && stripPrefix is null) throw new ArgumentException("onlyPrefixed needs a prefix", nameof(onlyPrefixed));
        Read(path, weights =>
        {
            var mine = onlyPrefixed ? weights.Where(kv => kv.Key.StartsWith(stripPrefix!, StringComparison.Ordinal)).ToDictionary() : weights;
            StateDict.Load(module, mine, path, stripPrefix);
            return true;
        });
    }

    /// <summary>
    /// Loads a model directory's model.safetensors into <paramref name="module"/> as <see cref="Load"/> does, after
    /// checking the directory against its checksums.json when it has one (a run's <c>best/</c> and checkpoints do).
    /// </summary>
    public static void LoadDirectory(nn.Module module, string directory) => Load(module, ModelDirectory.RequireWeights(directory));
}
