using System.Text.Json.Nodes;
using Distill.IO;
using Distill.Models;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// An output directory belongs to one run configuration: the first run saves it there, and a rerun (to resume)
/// must bring the same one. A different one is refused, naming each field that changed.
/// </summary>
public static class RunDirectory
{
    /// <param name="outputDir">the run's output directory (created if needed)</param>
    /// <param name="fileName">the saved configuration's name inside it</param>
    /// <param name="json">this run's configuration</param>
    /// <param name="ignored">fields (paths such as <c>training.threads</c>) that may change between a run and its resumption (e.g. threads)</param>
    public static void Claim(string outputDir, string fileName, string json, IReadOnlyCollection<string>? ignored = null)
    {
        var saved = Path.Combine(outputDir, fileName);
        if (File.Exists(saved))
        {
            var changed = JsonDiff.Paths(JsonNode.Parse(File.ReadAllText(saved)), JsonNode.Parse(json))
                .Where(path => ignored is null || !ignored.Any(i => path == i || path.StartsWith(i + ".", StringComparison.Ordinal) || path.StartsWith(i + "[", StringComparison.Ordinal)))
                .ToList();
            if (changed.Count > 0)
            {
                throw new ConfigException($"{outputDir} holds a run with another configuration ({saved}): {string.Join(", ", changed)} changed; "
                    + "use a new output directory, or delete it to start over");
            }
        }
        Directory.CreateDirectory(outputDir);
        AtomicFile.WriteAllText(saved, json + "\n");
    }
}
