using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Distill.IO;

namespace Distill.Cache;

/// <summary>
/// <c>manifest.json</c> of a cache directory: which teacher and data produced it, the spec, and each
/// shard's name, rows, size and SHA-256. Readers trust nothing in the directory that it does not list.
/// </summary>
internal sealed record CacheManifest
{
    public const string FileName = "manifest.json";

    /// <summary>As read; when not set, the oldest version that holds <see cref="Spec"/> (<see cref="CacheSpec.MinimumVersion"/>), so that a cache without the newer columns stays readable by older builds.</summary>
    [JsonPropertyName("format_version")]
    public int FormatVersion
    {
        get => formatVersion ?? Spec.MinimumVersion;
        init => formatVersion = value;
    }

    private readonly int? formatVersion;

    [JsonPropertyName("teacher")] public required CacheTeacherInfo Teacher { get; init; }

    [JsonPropertyName("data")] public required CacheDataInfo Data { get; init; }

    [JsonPropertyName("spec")] public required CacheSpec Spec { get; init; }

    [JsonPropertyName("shards")] public required IReadOnlyList<CacheShardEntry> Shards { get; init; }

    [JsonPropertyName("created_utc")] public DateTimeOffset CreatedUtc { get; init; } = DateTimeOffset.UtcNow;

    /// <summary>Jobs of the sharded run that wrote this manifest; null for a single job or a merged manifest.</summary>
    [JsonPropertyName("num_shards")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? NumShards { get; init; }

    /// <summary>Which job of <see cref="NumShards"/> wrote this manifest.</summary>
    [JsonPropertyName("shard_index")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? ShardIndex { get; init; }

    [JsonIgnore] public long TotalRows => Shards.Sum(s => s.Rows);

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true };

    /// <summary>Reads and validates a manifest; errors name the file and each bad field or shard entry.</summary>
    public static CacheManifest Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CacheFormatException($"{path}: not found; a cache directory holds the {FileName} that cache-teacher writes last");
        }
        var manifest = JsonFile.Read<CacheManifest>(path, "cache manifest", error: message => new CacheFormatException(message));
        manifest.Validate(path);
        return manifest;
    }

    /// <summary>Validates, then writes atomically (temporary file + rename).</summary>
    public void Save(string path)
    {
        Validate(path);
        AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, WriteOptions) + "\n");
    }

    /// <summary>Checks every field and shard entry and throws one <see cref="CacheFormatException"/> naming each bad one.</summary>
    public void Validate(string source = FileName)
    {
        if (!CacheSpec.Reads(FormatVersion))
        {
            throw new CacheFormatException(
                $"{source}: format_version {FormatVersion} is not supported (this build reads {CacheSpec.OldestReadableVersion} to {CacheSpec.FormatVersion}); rebuild the cache with this version of cache-teacher");
        }
        Spec.Validate($"{source}: spec");
        if (FormatVersion < Spec.MinimumVersion)
        {
            throw new CacheFormatException($"{source}: format_version {FormatVersion} caches hold no projection_layers (version {Spec.MinimumVersion} added them)");
        }
        var problems = new List<string>();
        if (Teacher?.Identity is null || Data?.Identity is null)
        {
            problems.Add("teacher.identity and data.identity are required");
        }
        if ((NumShards is null) != (ShardIndex is null))
        {
            problems.Add($"num_shards and shard_index go together, found {NumShards?.ToString() ?? "null"} and {ShardIndex?.ToString() ?? "null"}");
        }
        else if (NumShards is { } jobs && (jobs < 1 || ShardIndex < 0 || ShardIndex >= jobs))
        {
            problems.Add($"shard_index must be in [0, num_shards = {jobs}), found {ShardIndex}");
        }
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (int i = 0; i < (Shards?.Count ?? 0); i++)
        {
            var entry = Shards![i];
            var where = $"shards[{i}] (file \"{entry.File}\")";
            if (CacheShardNames.Problem(entry.File) is { } problem)
            {
                problems.Add($"{where}: file name {problem}");
            }
            else if (!seen.Add(entry.File))
            {
                problems.Add($"{where}: file is listed more than once");
            }
            if (entry.Rows < 0 || entry.Bytes < 0)
            {
                problems.Add($"{where}: rows and bytes must not be negative, found {entry.Rows} and {entry.Bytes}");
            }
            if (entry.Sha256 is null || entry.Sha256.Length != 64 || !entry.Sha256.All(char.IsAsciiHexDigit))
            {
                problems.Add($"{where}: sha256 must be 64 hex digits, found \"{entry.Sha256}\"");
            }
            if (entry.ShardIndex < 0 || entry.ShardIndex >= (NumShards ?? int.MaxValue))
            {
                problems.Add($"{where}: shard_index must be in [0, {NumShards?.ToString() ?? "∞"}), found {entry.ShardIndex}");
            }
        }
        if (Shards is null)
        {
            problems.Add("shards is missing");
        }
        if (problems.Count > 0)
        {
            throw new CacheFormatException($"{source}: {string.Join("; ", problems)}");
        }
    }

    /// <summary>
    /// Lowercase hex SHA-256 over the files' contents, in the order given, then <paramref name="extra"/>
    /// (settings that also shape the outputs). Each part is length-prefixed so that moving bytes from one
    /// file to the next changes the hash; names and paths are not hashed, so moving a model keeps it.
    /// </summary>
    public static string HashFiles(IEnumerable<string> paths, string extra)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(extra);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[8];
        var buffer = new byte[1 << 20];
        foreach (var path in paths)
        {
            using var stream = File.OpenRead(path);
            BinaryPrimitives.WriteInt64LittleEndian(length, stream.Length);
            hash.AppendData(length);
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }
        var extraBytes = Encoding.UTF8.GetBytes(extra);
        BinaryPrimitives.WriteInt64LittleEndian(length, extraBytes.Length);
        hash.AppendData(length);
        hash.AppendData(extraBytes);
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>
/// The teacher a cache came from: a content hash (<see cref="CacheIdentity"/>), its config, and for an ONNX
/// teacher the settings hashed with its files (output mapping, casing), so that verify can recompute the hash.
/// </summary>
internal sealed record CacheTeacherInfo(
    [property: JsonPropertyName("identity")] string Identity,
    [property: JsonPropertyName("config")] JsonObject Config,
    [property: JsonPropertyName("onnx_settings")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    JsonObject? OnnxSettings = null);

/// <summary>
/// The data a cache came from: a content hash (<see cref="CacheIdentity.Data"/>), the reader settings (max length,
/// stride, columns, ...) used, and how many features the data gave, which a complete cache holds exactly once each.
/// </summary>
internal sealed record CacheDataInfo(
    [property: JsonPropertyName("identity")] string Identity,
    [property: JsonPropertyName("reader_settings")] JsonObject ReaderSettings,
    [property: JsonPropertyName("features")]
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    long? Features = null);

/// <summary>One shard of a manifest; <see cref="ShardIndex"/> is the job of a sharded run that wrote it (0 for a single job).</summary>
internal sealed record CacheShardEntry(
    [property: JsonPropertyName("file")] string File,
    [property: JsonPropertyName("rows")] long Rows,
    [property: JsonPropertyName("bytes")] long Bytes,
    [property: JsonPropertyName("sha256")] string Sha256,
    [property: JsonPropertyName("shard_index")] int ShardIndex)
{
    public static CacheShardEntry From(ShardInfo shard, int shardIndex) =>
        new(shard.File, shard.Rows, shard.Bytes, shard.Sha256, shardIndex);
}
