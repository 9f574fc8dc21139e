namespace Distill.Cache;

/// <summary>A completed shard: its file name (relative to the cache directory), rows, size and SHA-256 (lowercase hex).</summary>
internal sealed record ShardInfo(string File, long Rows, long Bytes, string Sha256);
