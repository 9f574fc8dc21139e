using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Parquet;

namespace Distill.Cache;

/// <summary>
/// Streams the rows of a cache directory. Each shard's size and SHA-256 are checked against the manifest
/// on the very bytes that are then decoded, so a damaged shard fails naming the shard instead of
/// yielding wrong values. Row groups are decoded ahead on a background task; memory is bounded by
/// <see cref="CacheReaderOptions.Prefetch"/> row groups plus the shuffle buffer.
/// </summary>
public sealed class CacheReader : IAsyncDisposable
{
    private readonly string _directory;
    private readonly CacheReaderOptions _options;
    private readonly CacheSchema _schema;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<Task> _producers = [];
    private bool _disposed;

    private CacheReader(string directory, CacheManifest manifest, CacheReaderOptions options)
    {
        _directory = directory;
        Manifest = manifest;
        _options = options;
        _schema = new CacheSchema(manifest.Spec);
    }

    public CacheManifest Manifest { get; }

    public CacheSpec Spec => Manifest.Spec;

    /// <summary>Opens <paramref name="cacheDir"/> by its manifest (which is validated); shards are checked as they are read.</summary>
    public static CacheReader Open(string cacheDir, CacheReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cacheDir);
        options ??= new CacheReaderOptions();
        options.Validate();
        var manifest = CacheManifest.Load(Path.Combine(cacheDir, CacheManifest.FileName));
        return new CacheReader(cacheDir, manifest, options);
    }

    /// <summary>
    /// One pass over every row. May be called again for another pass; each call starts its own background
    /// reader, stopped when the enumeration ends. Throws <see cref="CacheFormatException"/> for a bad shard.
    /// </summary>
    public async IAsyncEnumerable<CacheRow> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var channel = Channel.CreateBounded<CacheRow[]>(new BoundedChannelOptions(_options.Prefetch)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        // Seeds are derived, not shared: the producer and this consumer run concurrently, and one Random
        // used by both would make the order depend on timing.
        var orderRandom = new Random(_options.Seed);
        var producer = Task.Run(() => ProduceAsync(channel.Writer, orderRandom, stop.Token), CancellationToken.None);
        lock (_producers)
        {
            _producers.Add(producer);
        }
        try
        {
            var rows = channel.Reader.ReadAllAsync(stop.Token);
            var output = _options.Shuffle ? Shuffled(rows, new Random(_options.Seed ^ 0x5bd1e995), _options.ShuffleBuffer) : Flattened(rows);
            await foreach (var row in output.WithCancellation(stop.Token))
            {
                yield return row;
            }
        }
        finally
        {
            stop.Cancel();
            await producer;
            lock (_producers)
            {
                _producers.Remove(producer);
            }
        }
    }

    /// <summary>Stops every pass still running and waits for its background reader.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        await _lifetime.CancelAsync();
        Task[] running;
        lock (_producers)
        {
            running = [.. _producers];
        }
        await Task.WhenAll(running);
        _lifetime.Dispose();
    }

    private async Task ProduceAsync(ChannelWriter<CacheRow[]> writer, Random random, CancellationToken cancellationToken)
    {
        Exception? error = null;
        try
        {
            var shards = Manifest.Shards.ToArray();
            if (_options.Shuffle)
            {
                random.Shuffle(shards);
            }
            foreach (var entry in shards)
            {
                await ProduceShardAsync(entry, writer, random, cancellationToken);
            }
        }
        catch (Exception e)
        {
            // Handed to the consumer, which rethrows it from its enumeration.
            error = e;
        }
        finally
        {
            writer.TryComplete(error);
        }
    }

    private async Task ProduceShardAsync(CacheShardEntry entry, ChannelWriter<CacheRow[]> writer, Random random, CancellationToken cancellationToken)
    {
        var path = Path.Combine(_directory, entry.File);
        if (!File.Exists(path))
        {
            throw new CacheFormatException($"{entry.File}: listed in {CacheManifest.FileName} but missing from {_directory}");
        }
        await using var stream = ShardFile.OpenRead(path);
        var (bytes, sha256) = await ShardFile.MeasureAsync(stream, cancellationToken);
        var problems = ShardFile.CompareBytes(entry, bytes, sha256);
        if (problems.Count > 0)
        {
            throw new CacheFormatException(
                $"{entry.File}: {string.Join("; ", problems)}. The shard is damaged or was replaced; restore it or rebuild the cache");
        }
        stream.Position = 0;
        await using var reader = await ParquetReader.CreateAsync(stream, null, leaveStreamOpen: true, cancellationToken);
        problems = ShardFile.CompareContents(reader, _schema, entry.Rows);
        if (problems.Count > 0)
        {
            throw new CacheFormatException($"{entry.File}: {string.Join("; ", problems)}");
        }
        var decoder = new RowGroupDecoder(_schema, reader.Schema, entry.File);
        var groups = Enumerable.Range(0, reader.RowGroupCount).ToArray();
        if (_options.Shuffle)
        {
            random.Shuffle(groups);
        }
        foreach (var g in groups)
        {
            using var group = reader.OpenRowGroupReader(g);
            await writer.WriteAsync(await decoder.ReadAsync(group, g, cancellationToken), cancellationToken);
        }
    }

    private static async IAsyncEnumerable<CacheRow> Flattened(IAsyncEnumerable<CacheRow[]> groups)
    {
        await foreach (var group in groups)
        {
            foreach (var row in group)
            {
                yield return row;
            }
        }
    }

    /// <summary>
    /// A bounded random buffer: once full, each incoming row replaces a random buffered one, which is
    /// yielded; at the end the rest come out in random order. Every row comes out exactly once.
    /// </summary>
    private static async IAsyncEnumerable<CacheRow> Shuffled(IAsyncEnumerable<CacheRow[]> groups, Random random, int capacity)
    {
        var buffer = new List<CacheRow>(capacity);
        await foreach (var row in Flattened(groups))
        {
            if (buffer.Count < capacity)
            {
                buffer.Add(row);
                continue;
            }
            int pick = random.Next(capacity);
            yield return buffer[pick];
            buffer[pick] = row;
        }
        while (buffer.Count > 0)
        {
            int pick = random.Next(buffer.Count);
            yield return buffer[pick];
            buffer[pick] = buffer[^1];
            buffer.RemoveAt(buffer.Count - 1);
        }
    }
}
