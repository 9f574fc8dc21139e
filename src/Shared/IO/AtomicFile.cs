namespace Distill.IO;

/// <summary>
/// Writes files so that a crash never leaves a half-written file under the final name:
/// the content goes to a temporary sibling, is flushed to disk, then renamed over the target.
/// </summary>
public static class AtomicFile
{
    public static void Write(string path, Action<Stream> write) => Write(path, write, accept: _ => true);

    /// <summary>
    /// Writes as <see cref="Write(string, Action{Stream})"/> does, but publishes (renames) the complete temporary
    /// file only if <paramref name="accept"/>, given its path, approves it; a rejected file is deleted.
    /// </summary>
    /// <returns>whether the file was published</returns>
    public static bool Write(string path, Action<Stream> write, Func<string, bool> accept)
    {
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var temporary = $"{full}.tmp-{Environment.ProcessId}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                stream.Flush(flushToDisk: true);
            }
            if (!accept(temporary)) return false;
            File.Move(temporary, full, overwrite: true);
            return true;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s =>
        {
            using var writer = new StreamWriter(s, leaveOpen: true);
            writer.Write(text);
        });

    public static void Copy(string source, string target) => Write(target, s =>
    {
        using var input = File.OpenRead(source);
        input.CopyTo(s);
    });
}
