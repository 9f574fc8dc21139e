using Distill.Errors;

namespace Distill.Cache;

/// <summary>
/// Cache data or files do not follow the cache format: a row that does not fit its spec, a bad manifest,
/// a shard whose bytes, schema or row count differ from what the manifest records. The message names
/// the file or row and field, what was expected and what was found.
/// </summary>
internal sealed class CacheFormatException(string message) : Exception(message), IKindedException
{
    public ErrorKind Kind => ErrorKind.BadInput;
}
