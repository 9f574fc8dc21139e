using Distill.Errors;

namespace Distill.IO;

/// <summary>
/// Forcing written data to disk (fsync) failed. Never retried: on Linux a failed fsync drops the dirty pages,
/// so a second fsync would report success over lost data; the output is redone instead.
/// </summary>
internal sealed class SyncFailedException(string message, Exception? inner = null) : IOException(message, inner), IKindedException
{
    public ErrorKind Kind => ErrorKind.Io;
}
