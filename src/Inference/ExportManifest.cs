using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Distill.IO;

namespace Distill.Inference;

/// <summary>
/// The <c>manifest.json</c> of an export directory: the SHA-256 and size of each file the export wrote
/// (the <c>.onnx</c> model, at <c>onnx/model.onnx</c> in an <see cref="ExportLayout"/> directory, <c>vocab.txt</c>,
/// <c>config.json</c> and the tokenizer files), written into the directory before it is
/// published. <see cref="Verify"/> checks a model and the files beside it against it, so that a damaged or
/// replaced file (a flipped bit loads without complaint in ONNX Runtime) is refused before it is used.
/// </summary>
internal sealed class ExportManifest
{
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    [JsonConstructor]
    public ExportManifest(IReadOnlyDictionary<string, ExportManifestEntry> files) => Files = files;

    /// <summary>File path relative to the manifest's directory, '/'-separated → its hash and size.</summary>
    [JsonPropertyName("files")] public IReadOnlyDictionary<string, ExportManifestEntry> Files { get; }

    /// <summary>The manifest of every file under <paramref name="directory"/> (subdirectories included, the manifest itself left out), plus <paramref name="kept"/> for files written before.</summary>
    public static ExportManifest Of(string directory, IReadOnlyDictionary<string, ExportManifestEntry>? kept = null)
    {
        var files = new SortedDictionary<string, ExportManifestEntry>(StringComparer.Ordinal);
        foreach (var (name, entry) in kept ?? new Dictionary<string, ExportManifestEntry>()) files[name] = entry;
        foreach (var path in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            var name = RelativeName(directory, path);
            if (name != FileName) files[name] = ExportManifestEntry.Of(path);
        }
        return new ExportManifest(files);
    }

    public void Save(string directory) => File.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(this, Options) + "\n");

    /// <summary>The manifest in <paramref name="directory"/>, or null when there is none.</summary>
    public static ExportManifest? TryLoad(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return null;
        return JsonFile.Read<ExportManifest>(path, "export manifest (a JSON object with \"files\")", Options, message => new OnnxModelException(message));
    }

    /// <summary>A file's name in a manifest: its path relative to the manifest's directory, '/'-separated on every OS.</summary>
    public static string RelativeName(string directory, string path) => Path.GetRelativePath(directory, path).Replace(Path.DirectorySeparatorChar, '/');

    /// <summary>
    /// Checks the model of <paramref name="model"/> (an export directory or a model file, as <see cref="ExportLayout.ResolveModel"/>
    /// finds it) and every other file its manifest (in <see cref="ExportLayout.FilesDirectory"/>) lists that is still there
    /// against the recorded SHA-256; throws <see cref="OnnxModelException"/> naming the file, the recorded and the found hash.
    /// </summary>
    public static void Verify(string model)
    {
        var full = Path.GetFullPath(ExportLayout.ResolveModel(Path.GetFullPath(model)));
        var directory = ExportLayout.FilesDirectory(full);
        var name = RelativeName(directory, full);
        var manifest = TryLoad(directory)
            ?? throw new OnnxModelException($"{Path.Combine(directory, FileName)}: no manifest to verify {name} against (written by export-onnx export and quantize; export the model again)");
        if (!manifest.Files.ContainsKey(name))
        {
            throw new OnnxModelException($"{Path.Combine(directory, FileName)}: lists no {name} (it lists {string.Join(", ", manifest.Files.Keys)}); export the model again");
        }
        foreach (var (file, recorded) in manifest.Files)
        {
            var path = Path.GetFullPath(Path.Combine(directory, file));
            if (file != name && !File.Exists(path)) continue;
            var found = ExportManifestEntry.Of(path);
            if (found != recorded)
            {
                throw new OnnxModelException($"{path}: SHA-256 {found.Sha256} ({found.Bytes} bytes) differs from the {recorded.Sha256} ({recorded.Bytes} bytes) "
                    + $"recorded in {FileName}: the file was damaged or replaced after the export; export the model again");
            }
        }
    }
}

/// <summary>One file of an <see cref="ExportManifest"/>.</summary>
internal sealed record ExportManifestEntry([property: JsonPropertyName("sha256")] string Sha256, [property: JsonPropertyName("bytes")] long Bytes)
{
    public static ExportManifestEntry Of(string path)
    {
        using var stream = File.OpenRead(path);
        return new ExportManifestEntry(Convert.ToHexStringLower(SHA256.HashData(stream)), stream.Length);
    }
}
