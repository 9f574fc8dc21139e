using Distill.Inference;
using Distill.IO;

namespace Distill.Export.Exporting;

/// <summary>
/// Publishes an ONNX model with what it needs beside it (<c>vocab.txt</c>, <c>config.json</c> and the tokenizer
/// files of <see cref="ExportLayout"/>) and a <see cref="ExportManifest"/> as one unit: the export directory (the
/// one above <c>onnx/</c>, or a flat export's own) is replaced by one rename (<see cref="AtomicDirectory"/>), so a
/// full disk or a crash never leaves a new model alone or beside an old vocabulary. Files of the directory that the
/// publish does not write (a model published before, e.g. <c>onnx/model.onnx</c> beside a new
/// <c>onnx/model_optimized.onnx</c>) are carried over, and the manifest keeps their entries.
/// </summary>
internal static class ExportDirectory
{
    /// <summary>The files written beside a model: every file of <see cref="ExportLayout.Files"/> but the model.</summary>
    public static readonly IReadOnlyList<string> CompanionFiles = [.. ExportLayout.Files.Where(f => !f.EndsWith(".onnx", StringComparison.Ordinal))];

    /// <summary>
    /// The directory published for a model written at <paramref name="modelPath"/> and the model's name in it: an
    /// export directory's when the model goes into its <c>onnx/</c> folder (<see cref="ExportLayout.FilesDirectory"/>), else the model's own.
    /// </summary>
    public static (string Directory, string Model) Target(string modelPath)
    {
        var full = Path.GetFullPath(modelPath);
        var directory = ExportLayout.FilesDirectory(full);
        return (directory, ExportManifest.RelativeName(directory, full));
    }

    /// <summary>Refuses, before any work, a directory that cannot be published as a unit (see <see cref="AtomicDirectory.CheckReplaceable"/>); the model's own folder (<c>onnx/</c>) is allowed.</summary>
    public static void Check(string directory, string model) => AtomicDirectory.CheckReplaceable(directory, OwnSubdirectories(model));

    /// <summary>Byte copies of the <see cref="CompanionFiles"/> that <paramref name="sourceDirectory"/> holds.</summary>
    public static IReadOnlyList<(string Name, Action<string> Write)> CopiesOf(string sourceDirectory) =>
    [
        .. CompanionFiles.Select(name => Path.Combine(sourceDirectory, name)).Where(File.Exists)
            // A copy of the bytes, not File.Copy, which keeps the source's time: the export's files carry its own (pipelines compare them with the weights').
            .Select(source => (Path.GetFileName(source), (Action<string>)(target => AtomicFile.Copy(source, target)))),
    ];

    /// <param name="directory">the directory published as a unit</param>
    /// <param name="model">the model's path in it, '/'-separated (<c>onnx/model.onnx</c>, or a flat export's file name)</param>
    /// <param name="writeModel">writes the model's bytes</param>
    /// <param name="sideFiles">the files written beside the model, each given its path in the temporary directory (written after the model, in this order)</param>
    /// <param name="accept">given the written model's temporary path (side files beside it), whether to publish</param>
    /// <returns>whether the directory was published</returns>
    public static bool Publish(string directory, string model, Action<Stream> writeModel, IReadOnlyList<(string Name, Action<string> Write)> sideFiles, Func<string, bool> accept)
    {
        directory = Path.GetFullPath(directory);
        var previous = ExportManifest.TryLoad(directory)?.Files;
        return AtomicDirectory.Replace(directory, temporary =>
        {
            var modelPath = Path.Combine(temporary, model);
            Directory.CreateDirectory(Path.GetDirectoryName(modelPath)!);
            using (var stream = new FileStream(modelPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20))
            {
                writeModel(stream);
            }
            foreach (var (name, write) in sideFiles) write(Path.Combine(temporary, name));
        }, temporary =>
        {
            if (!accept(Path.Combine(temporary, model))) return false;
            // Entries of files that stay from before (carried over unchanged), for those still there.
            var kept = previous?.Where(p => !File.Exists(Path.Combine(temporary, p.Key)) && File.Exists(Path.Combine(directory, p.Key)))
                .ToDictionary(p => p.Key, p => p.Value);
            ExportManifest.Of(temporary, kept).Save(temporary);
            return true;
        }, OwnSubdirectories(model));
    }

    private static string[] OwnSubdirectories(string model) => model.Contains('/') ? [model[..model.IndexOf('/')]] : [];
}
