using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using Distill.Errors;

namespace Distill.IO;

/// <summary>
/// Publishes a directory as one unit: its new files are written into a temporary sibling
/// (<c>.NAME.tmp-PID</c>), fsynced, and swapped with the directory in one rename, then the parent is fsynced.
/// Readers see the old content or the new, never a mix (a new <c>model.onnx</c> beside an old <c>vocab.txt</c>).
/// Files of the old directory that the new content does not hold are carried over (hard links, so nothing is
/// copied; in the caller's own subdirectories too), so outputs written beside an export (predictions, metrics) and
/// models published earlier stay. Only a directory of files (and of the subdirectories the caller's layout names,
/// such as an export's <c>onnx/</c>) can be replaced: one holding other subdirectories, or the working directory, is refused
/// (<see cref="CheckReplaceable"/>), since replacing it would move other work, or a shell's current directory,
/// away. Temporaries of processes that died (a <c>kill -9</c>, a full disk) are removed at the start of the next publish.
/// </summary>
internal static partial class AtomicDirectory
{
    /// <summary>
    /// Writes the new content with <paramref name="write"/> into an empty temporary directory, and publishes it as
    /// <paramref name="target"/> if <paramref name="accept"/> (given the temporary directory) approves; otherwise,
    /// or on any failure, nothing changes and the temporary is removed. <paramref name="ownSubdirectories"/> are the
    /// subdirectories of the layout published there (see <see cref="CheckReplaceable"/>).
    /// </summary>
    /// <returns>whether the directory was published</returns>
    public static bool Replace(string target, Action<string> write, Func<string, bool> accept, IReadOnlyCollection<string>? ownSubdirectories = null)
    {
        target = Resolve(target);
        CheckReplaceable(target, ownSubdirectories);
        var parent = Path.GetDirectoryName(target)!;
        var name = Path.GetFileName(target);
        Directory.CreateDirectory(parent);
        RemoveOrphans(parent, name);
        if (Directory.Exists(target)) AtomicFile.RemoveOrphans(target);
        var temporary = Path.Combine(parent, $".{name}.tmp-{Environment.ProcessId}");
        var old = Path.Combine(parent, $".{name}.old-{Environment.ProcessId}");
        try
        {
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            Directory.CreateDirectory(temporary);
            write(temporary);
            if (!accept(temporary)) return false;
            if (Directory.Exists(target)) CarryOver(target, temporary);
            SyncTree(temporary);
            Swap(temporary, target, old);
            AtomicFile.SyncDirectory(parent);
            return true;
        }
        finally
        {
            // After a swap the temporary name holds the old content.
            if (Directory.Exists(temporary)) Directory.Delete(temporary, recursive: true);
            if (Directory.Exists(old)) Directory.Delete(old, recursive: true);
        }
    }

    /// <summary>
    /// Throws a <see cref="ConfigException"/> unless <paramref name="target"/> is absent or a directory without
    /// subdirectories other than <paramref name="ownSubdirectories"/> (those of the layout published there, e.g. an
    /// export's <c>onnx/</c>), other than the working directory: call it before the work whose result it will hold.
    /// </summary>
    public static void CheckReplaceable(string target, IReadOnlyCollection<string>? ownSubdirectories = null)
    {
        target = Resolve(target);
        if (File.Exists(target)) throw new ConfigException($"{target} is a file; the output needs a directory there (or a path where none exists yet)");
        if (!Directory.Exists(target)) return;
        var working = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Environment.CurrentDirectory));
        if (working == target || working.StartsWith(target + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new ConfigException($"{target} is the working directory (or holds it), and is published by replacing it as a whole: run from another directory, or write into a directory of its own");
        }
        var others = new DirectoryInfo(target).EnumerateFileSystemInfos()
            .Where(e => e.LinkTarget is null && e is DirectoryInfo && ownSubdirectories?.Contains(e.Name) != true)
            .Select(e => e.Name).Order(StringComparer.Ordinal).Take(5).ToList();
        if (others.Count > 0)
        {
            throw new ConfigException($"{target} holds {string.Join(", ", others)}, which are directories; the output is published by replacing the whole directory, "
                + $"so it needs a directory of its own (e.g. {Path.Combine(target, "onnx")})");
        }
    }

    /// <summary>The full path, through a symbolic link to a directory: the directory it names is replaced, not the link by a directory.</summary>
    private static string Resolve(string target)
    {
        target = Path.TrimEndingDirectorySeparator(Path.GetFullPath(target));
        var directory = new DirectoryInfo(target);
        return directory.LinkTarget is not null && directory.ResolveLinkTarget(returnFinalTarget: true) is { } linked
            ? Path.TrimEndingDirectorySeparator(Path.GetFullPath(linked.FullName))
            : target;
    }

    /// <summary>Removes the temporaries (<c>.NAME.tmp-PID</c>, <c>.NAME.old-PID</c>) that dead processes left beside <paramref name="name"/> in <paramref name="parent"/>.</summary>
    public static void RemoveOrphans(string parent, string name)
    {
        if (!Directory.Exists(parent)) return;
        foreach (var entry in Directory.EnumerateDirectories(parent, $".{name}.*"))
        {
            var match = Temporary().Match(Path.GetFileName(entry));
            if (match.Success && match.Groups["name"].Value == name && !IsAlive(int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture)))
            {
                Directory.Delete(entry, recursive: true);
            }
        }
    }

    /// <summary>Whether a process of this id runs (a reused id counts as alive: its temporary is then left, never a live one removed).</summary>
    internal static bool IsAlive(int pid)
    {
        if (pid == Environment.ProcessId) return true;
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // Hard links: the old directory's files stay where they are and are shared by the new one until it replaces the old.
    // Subdirectories are merged file by file: a new onnx/model_optimized.onnx keeps the onnx/model.onnx published before.
    private static void CarryOver(string from, string to)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos())
        {
            var destination = Path.Combine(to, entry.Name);
            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                if (File.Exists(destination)) continue; // the new content replaces it
                Directory.CreateDirectory(destination);
                CarryOver(entry.FullName, destination);
                continue;
            }
            if (Path.Exists(destination)) continue; // the new content replaces it
            if (entry.LinkTarget is { } linkTarget)
            {
                File.CreateSymbolicLink(destination, linkTarget);
            }
            else if (OperatingSystem.IsWindows() || Link(entry.FullName, destination) != 0)
            {
                File.Copy(entry.FullName, destination);
            }
        }
    }

    private static void SyncTree(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories))
        {
            if (new FileInfo(file).LinkTarget is not null) continue;
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            AtomicFile.FlushToDisk(stream);
        }
        foreach (var sub in Directory.EnumerateDirectories(directory, "*", SearchOption.AllDirectories)) AtomicFile.SyncDirectory(sub);
        AtomicFile.SyncDirectory(directory);
    }

    /// <summary>
    /// Puts <paramref name="fresh"/> in place of <paramref name="target"/>: one atomic exchange on Linux (renameat2
    /// RENAME_EXCHANGE; the old content ends under the fresh name). Where the file system or OS has no exchange, the
    /// old directory is renamed aside first: a crash between the two renames leaves no directory under the name
    /// (and the old one aside, removed by the next publish), still never a mix of old and new files.
    /// </summary>
    private static void Swap(string fresh, string target, string aside)
    {
        if (!Directory.Exists(target))
        {
            Directory.Move(fresh, target);
            return;
        }
        if (OperatingSystem.IsLinux() && RenameAt2(AtFdCwd, fresh, AtFdCwd, target, RenameExchange) == 0) return;
        Directory.Move(target, aside);
        Directory.Move(fresh, target);
    }

    private const int AtFdCwd = -100;
    private const uint RenameExchange = 2;

    [DllImport("libc", EntryPoint = "renameat2", SetLastError = true)]
    private static extern int RenameAt2(int oldDirFd, string oldPath, int newDirFd, string newPath, uint flags);

    [DllImport("libc", EntryPoint = "link", SetLastError = true)]
    private static extern int Link(string existing, string created);

    [GeneratedRegex(@"^\.(?<name>.+)\.(?:tmp|old)-(?<pid>\d{1,9})$")]
    private static partial Regex Temporary();
}
