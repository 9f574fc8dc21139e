using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.DistillStudent.Configuration;
using Distill.Models;
using Distill.Errors;

namespace Distill.Export.Exporting;

/// <summary>
/// The <c>max_seq_length</c> a model was trained at, read from the run that wrote it: a model directory is a run's
/// <c>best/</c> or <c>checkpoint-N/</c>, and the run directory above it holds the run's config. Serving at the trained
/// length (not the position table's 512) gives the inputs the answers <c>eval</c> measured.
/// </summary>
internal static class TrainedLength
{
    /// <summary>
    /// The run files that record a training config, with the path of their <c>max_seq_length</c>: <c>train</c>'s
    /// training config at the top level, <c>distill</c>'s and <c>multitask</c>'s under <c>training</c>.
    /// </summary>
    public static readonly IReadOnlyList<(string File, string[] Path)> RunFiles =
    [
        ("training_config.json", ["max_seq_length"]),
        ("distill_run.json", ["training", "max_seq_length"]),
        ("multitask_run.json", ["training", "max_seq_length"]),
    ];

    /// <summary>The trained length and the file it came from, looked for in the model directory and the one above; null when no run file is there.</summary>
    /// <exception cref="ConfigException">A run file is not JSON, or its max_seq_length is not a positive integer.</exception>
    public static (int Length, string Source)? Find(string modelDirectory)
    {
        var directory = Path.GetFullPath(modelDirectory);
        foreach (var candidate in new[] { directory, Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(directory)) })
        {
            if (candidate is null) continue;
            foreach (var (file, path) in RunFiles)
            {
                var source = Path.Combine(candidate, file);
                if (File.Exists(source)) return (Read(source, path), source);
            }
        }
        return null;
    }

    private static int Read(string source, string[] path)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(File.ReadAllText(source));
        }
        catch (JsonException e)
        {
            throw new ConfigException($"{source}: not valid JSON ({e.Message})");
        }
        foreach (var key in path) node = node is JsonObject fields ? fields[key] : null;
        // A run file written without the field trained at the config's default.
        if (node is null) return new TrainingConfig().MaxSeqLength;
        return node is JsonValue value && value.TryGetValue<int>(out var length) && length > 0
            ? length
            : throw new ConfigException($"{source}: {string.Join(".", path)}: expected a positive integer, found {node.ToJsonString()}");
    }
}
