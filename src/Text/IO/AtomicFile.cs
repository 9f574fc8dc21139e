using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Distill.IO;

/// <summary>
/// Writes files so that a crash never leaves a half-written file under the final name, and a published file
/// survives a power loss: the content goes to a temporary sibling, is fsynced, renamed over the target, and
/// the directory holding the name is fsynced too (a rename lives in the directory, not in the file).
/// </summary>
internal static partial class AtomicFile
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
        var directory = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(directory);
        var temporary = $"{full}.tmp-{Environment.ProcessId}";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
            {
                write(stream);
                FlushToDisk(stream);
            }
            if (!accept(temporary)) return false;
            File.Move(temporary, full, overwrite: true);
            SyncDirectory(directory);
            return true;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    /// <summary>
    /// Deletes the temporaries (<c>NAME.tmp-PID</c>) that processes which are no longer running left in
    /// <paramref name="directory"/>: a killed export leaves its whole model under such a name.
    /// </summary>
    public static void RemoveOrphans(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.tmp-*"))
        {
            var match = Temporary().Match(Path.GetFileName(file));
            if (match.Success && !AtomicDirectory.IsAlive(int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture))) File.Delete(file);
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

    /// <summary>
    /// Moves a complete directory into place under <paramref name="target"/> (which must not exist): every file
    /// in it and the directory itself are fsynced first, the parent after the rename.
    /// </summary>
    public static void PublishDirectory(string temporary, string target)
    {
        foreach (var file in Directory.EnumerateFiles(temporary, "*", SearchOption.AllDirectories))
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            FlushToDisk(stream);
        }
        foreach (var directory in Directory.EnumerateDirectories(temporary, "*", SearchOption.AllDirectories)) SyncDirectory(directory);
        SyncDirectory(temporary);
        Directory.Move(temporary, target);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(target))!);
    }

    /// <summary>Forces a file's written bytes to disk; a failure is a <see cref="SyncFailedException"/>, never to be retried.</summary>
    public static void FlushToDisk(FileStream stream)
    {
        try
        {
            stream.Flush(flushToDisk: true);
        }
        catch (IOException e)
        {
            throw new SyncFailedException($"{stream.Name}: writing to disk failed ({e.Message})", e);
        }
    }

    /// <summary>
    /// Forces a directory's entries (files created, renamed or deleted in it) to disk; a no-op on Windows, where
    /// a directory cannot be opened for it. A failure is a <see cref="SyncFailedException"/>, never to be retried.
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (OperatingSystem.IsWindows()) return;
        var fd = Open(directory, 0); // O_RDONLY: a directory opens read-only without O_DIRECTORY
        if (fd < 0) throw new SyncFailedException($"{directory}: cannot open the directory to sync it (errno {Marshal.GetLastPInvokeError()})");
        try
        {
            if (Fsync(fd) != 0) throw new SyncFailedException($"{directory}: fsync of the directory failed (errno {Marshal.GetLastPInvokeError()})");
        }
        finally
        {
            _ = Close(fd);
        }
    }

    [GeneratedRegex(@"^.+\.tmp-(?<pid>\d{1,9})$")]
    private static partial Regex Temporary();

    // DllImport rather than LibraryImport, whose generated code needs unsafe blocks; strings go as UTF-8 on Unix.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(string path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
