using System.Collections.Concurrent;

namespace Distill.Cache;

/// <summary>
/// Shards whose size and SHA-256 a pass has checked, shared by the passes of one run (see
/// <see cref="CacheReaderOptions.Verified"/>), so that a run hashes each shard once instead of once per epoch:
/// the hash is about half of a pass's work. A later pass skips the hash of a shard only if its file still has
/// the size and modification time it had when it was hashed, and its manifest entry the same checksum; a shard
/// rewritten or replaced in between (writers replace shards by renaming a new file) is hashed again.
/// </summary>
/// <remarks>
/// What this cannot see is a file changed in place with its modification time set back (e.g. a copy that keeps
/// times over a damaged shard while a run is reading): such a change is caught by the next run, or by
/// <c>cache-teacher verify</c>.
/// </remarks>
internal sealed class VerifiedShards
{
    private readonly ConcurrentDictionary<string, Checked> _shards = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="path"/> was checked against <paramref name="entry"/> and has not changed since.</summary>
    internal bool Covers(string path, CacheShardEntry entry, FileInfo file) =>
        _shards.TryGetValue(Path.GetFullPath(path), out var seen) && seen == Checked.Of(entry, file);

    /// <summary>Records that <paramref name="path"/>, as <paramref name="file"/> describes it, matched <paramref name="entry"/>.</summary>
    internal void Add(string path, CacheShardEntry entry, FileInfo file) => _shards[Path.GetFullPath(path)] = Checked.Of(entry, file);

    private sealed record Checked(long Bytes, DateTime WrittenUtc, string Sha256)
    {
        public static Checked Of(CacheShardEntry entry, FileInfo file) => new(file.Length, file.LastWriteTimeUtc, entry.Sha256.ToLowerInvariant());
    }
}
