using Distill.Inference;
using Distill.IO;
using Distill.Models;

namespace Distill.Export.Exporting;

/// <summary>
/// Publishes an ONNX model with what it needs beside it (<c>vocab.txt</c> and <c>config.json</c> from its source,
/// when there) and a <see cref="ExportManifest"/> as one unit: the directory of the output file is replaced by
/// one rename (<see cref="AtomicDirectory"/>), so a full disk or a crash never leaves a new model alone or beside
/// an old vocabulary. The manifest keeps the entries of files carried over from the directory's previous content.
/// </summary>
public static class ExportDirectory
{
    /// <summary>The files copied from the source directory beside the model, when it has them.</summary>
    public static readonly IReadOnlyList<string> CompanionFiles = [ModelDirectory.VocabFile, ModelDirectory.ConfigFile];

    /// <summary>Refuses, before any work, an output whose directory cannot be published as a unit (see <see cref="AtomicDirectory.CheckReplaceable"/>).</summary>
    public static void Check(string output) => AtomicDirectory.CheckReplaceable(Path.GetDirectoryName(Path.GetFullPath(output))!);

    /// <param name="output">the model's path; its directory is the unit published</param>
    /// <param name="writeModel">writes the model's bytes</param>
    /// <param name="sourceDirectory">where the companion files come from</param>
    /// <param name="accept">given the written model's temporary path (companions beside it), whether to publish</param>
    /// <returns>whether the directory was published</returns>
    public static bool Publish(string output, Action<Stream> writeModel, string sourceDirectory, Func<string, bool> accept)
    {
        output = Path.GetFullPath(output);
        var directory = Path.GetDirectoryName(output)!;
        var name = Path.GetFileName(output);
        var previous = ExportManifest.TryLoad(directory)?.Files;
        return AtomicDirectory.Replace(directory, temporary =>
        {
            using (var stream = new FileStream(Path.Combine(temporary, name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                writeModel(stream);
            }
            foreach (var file in CompanionFiles)
            {
                var source = Path.Combine(sourceDirectory, file);
                if (!File.Exists(source)) continue;
                // A copy of the bytes, not File.Copy, which keeps the source's time: the export's files carry its own (pipelines compare them with the weights').
                using var input = File.OpenRead(source);
                using var copy = new FileStream(Path.Combine(temporary, file), FileMode.CreateNew, FileAccess.Write);
                input.CopyTo(copy);
            }
        }, temporary =>
        {
            if (!accept(Path.Combine(temporary, name))) return false;
            // Entries of files that stay from before (carried over unchanged), for those still there.
            var kept = previous?.Where(p => !File.Exists(Path.Combine(temporary, p.Key)) && File.Exists(Path.Combine(directory, p.Key)))
                .ToDictionary(p => p.Key, p => p.Value);
            ExportManifest.Of(temporary, kept).Save(temporary);
            return true;
        });
    }
}
