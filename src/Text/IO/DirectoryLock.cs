namespace Distill.IO;

/// <summary>
/// An exclusive lock on a file, held while a run writes into its directory so that two runs cannot interleave.
/// .NET takes <c>flock(LOCK_EX | LOCK_NB)</c> for <see cref="FileShare.None"/> on Unix: the kernel releases it
/// when the process ends, even by kill -9, so a crashed run never leaves a stale lock behind. The lock file
/// itself stays (its presence means nothing; only a held lock does).
/// </summary>
internal static class DirectoryLock
{
    /// <summary>The open, locked lock file (dispose it to release), or null when another process holds the lock.</summary>
    public static FileStream? TryAcquire(string lockFile)
    {
        try
        {
            return new FileStream(lockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(lockFile))
        {
            return null;
        }
    }
}
