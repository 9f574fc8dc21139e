using Distill.IO;

namespace Distill.DistillStudent.Training;

/// <summary>
/// <c>checksums.json</c> of a checkpoint or <c>best/</c> directory, written last (<see cref="DirectoryChecksums"/>,
/// which the stages that load <c>best/</c> also check).
/// </summary>
public static class CheckpointChecksums
{
    public const string FileName = DirectoryChecksums.FileName;

    /// <summary>Writes the checksums of every file now in <paramref name="directory"/>.</summary>
    public static void Write(string directory) => DirectoryChecksums.Write(directory);

    /// <summary>Null when the directory is complete; else the first problem found (for a log line).</summary>
    public static string? Problem(string directory) => DirectoryChecksums.Problem(directory);
}
