using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Distill.IO;

/// <summary>
/// <c>checksums.json</c>: the size and SHA-256 of every other file in a directory (a checkpoint, a run's
/// <c>best/</c>), written last. A directory is complete only when it is there and every file it lists checks out,
/// so a file truncated or corrupted after a crash (or a directory half deleted) is never taken for a good one.
/// In the shared library because the stages that load a model directory (eval, export) check it too.
/// </summary>
internal static class DirectoryChecksums
{
    public const string FileName = "checksums.json";

    private static readonly JsonSerializerOptions Options = new() { WriteIndented = true };

    private sealed record Entry([property: JsonPropertyName("size")] long Size, [property: JsonPropertyName("sha256")] string Sha256);

    /// <summary>Writes the checksums of every file now in <paramref name="directory"/>.</summary>
    public static void Write(string directory)
    {
        var entries = new SortedDictionary<string, Entry>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(directory).Where(f => Path.GetFileName(f) != FileName))
        {
            entries[Path.GetFileName(file)] = new Entry(new FileInfo(file).Length, Hash(file));
        }
        AtomicFile.WriteAllText(Path.Combine(directory, FileName), JsonSerializer.Serialize(entries, Options) + "\n");
    }

    /// <summary>Null when the directory is complete; else the first problem found (for a log line or an error).</summary>
    public static string? Problem(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path)) return $"{path} is missing";
        Dictionary<string, Entry>? entries;
        try
        {
            entries = JsonSerializer.Deserialize<Dictionary<string, Entry>>(File.ReadAllText(path), Options);
        }
        catch (JsonException e)
        {
            return $"{path}: not valid checksums ({e.Message})";
        }
        if (entries is null || entries.Count == 0) return $"{path}: lists no files";
        foreach (var (name, entry) in entries)
        {
            var file = Path.Combine(directory, name);
            if (!File.Exists(file)) return $"{file}: missing";
            var size = new FileInfo(file).Length;
            if (size != entry.Size) return $"{file}: expected {entry.Size} bytes, found {size}";
            if (Hash(file) != entry.Sha256) return $"{file}: SHA-256 differs from {FileName}";
        }
        return null;
    }

    /// <summary>A file's SHA-256 as lower-case hex.</summary>
    public static string Hash(string file)
    {
        using var stream = File.OpenRead(file);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }
}
