using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Parquet;

namespace Distill.Cache;

/// <summary>
/// Streams the rows of a cache directory as <see cref="CacheReadRow"/>s: tensors stay in the cache's dtype
/// until the caller decodes them, and only the columns of <see cref="CacheReaderOptions.Columns"/> are read.
/// Each shard is memory-mapped and its size and SHA-256 are checked against the manifest on the mapped
/// bytes, which are then parsed: the file is read from disk once, and a damaged shard fails naming the
/// shard before any of its rows is yielded (checked once per run when passes share
/// <see cref="CacheReaderOptions.Verified"/>). Row groups are decoded ahead on a background task; memory is
/// bounded by one mapped shard (file-cache pages), <see cref="CacheReaderOptions.Prefetch"/> decoded row
/// groups and <see cref="CacheReaderOptions.ShuffleBufferBytes"/>, not by the size of the cache. The order
/// of rows depends only on the options, never on timing, and <see cref="CacheReaderOptions.SkipRows"/>
/// resumes a pass inside that order.
/// </summary>
internal sealed class CacheReader : IAsyncDisposable
{
    private readonly string _directory;
    private readonly CacheReaderOptions _options;
    private readonly CacheSchema _schema;
    private readonly ColumnSelection _selection;
    private readonly CancellationTokenSource _lifetime = new();
    private readonly List<Task> _producers = [];
    private bool _disposed;

    private CacheReader(string directory, CacheManifest manifest, CacheReaderOptions options)
    {
        _directory = directory;
        Manifest = manifest;
        _options = options;
        _schema = new CacheSchema(manifest.Spec);
        Columns = options.Columns.Resolve(manifest.Spec);
        _selection = new ColumnSelection(manifest.Spec, Columns);
    }

    public CacheManifest Manifest { get; }

    public CacheSpec Spec => Manifest.Spec;

    /// <summary>The columns read, every choice explicit: <see cref="CacheReadRow.Hidden"/>[i] is layer <c>Columns.HiddenLayers[i]</c>.</summary>
    public CacheColumns Columns { get; }

    /// <summary>The most bytes and rows the shuffle buffer held between arrivals during the last pass that ended.</summary>
    internal (long Bytes, int Rows) PeakBuffered { get; private set; }

    /// <summary>
    /// Opens <paramref name="cacheDir"/> by its manifest (which is validated) and resolves the columns to read
    /// (a column the cache lacks throws <see cref="CacheFormatException"/>); shards are checked as they are read.
    /// </summary>
    public static CacheReader Open(string cacheDir, CacheReaderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(cacheDir);
        options ??= new CacheReaderOptions();
        options.Validate();
        var manifest = CacheManifest.Load(Path.Combine(cacheDir, CacheManifest.FileName));
        return new CacheReader(cacheDir, manifest, options);
    }

    /// <summary>
    /// One pass over every row after the first <see cref="CacheReaderOptions.SkipRows"/>. May be called again
    /// for another pass; each call starts its own background reader, stopped when the enumeration ends.
    /// Throws <see cref="CacheFormatException"/> for a bad shard.
    /// </summary>
    public async IAsyncEnumerable<CacheReadRow> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _lifetime.Token);
        var channel = Channel.CreateBounded<RowSlot[]>(new BoundedChannelOptions(_options.Prefetch)
        {
            SingleReader = true,
            SingleWriter = true,
        });
        var producer = Task.Run(() => ProduceAsync(channel.Writer, stop.Token), CancellationToken.None);
        lock (_producers)
        {
            _producers.Add(producer);
        }
        var buffer = NewShuffleBuffer<RowSlot>();
        try
        {
            long position = 0;
            var leaving = new List<RowSlot>();
            await foreach (var group in channel.Reader.ReadAllAsync(stop.Token))
            {
                foreach (var slot in group)
                {
                    if (buffer is null)
                    {
                        leaving.Add(slot);
                    }
                    else
                    {
                        buffer.Add(slot, slot.Bytes, leaving);
                    }
                }
                foreach (var row in Unskipped(leaving, ref position))
                {
                    yield return row;
                }
                leaving.Clear();
            }
            buffer?.Drain(leaving);
            foreach (var row in Unskipped(leaving, ref position))
            {
                yield return row;
            }
        }
        finally
        {
            PeakBuffered = (buffer?.PeakBytes ?? 0, buffer?.PeakCount ?? 0);
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

    internal ColumnSelection Selection => _selection;

    /// <summary>Positions in the manifest's shard list, in reading order.</summary>
    internal int[] ShardOrder()
    {
        var order = Enumerable.Range(0, Manifest.Shards.Count).ToArray();
        if (_options.Shuffle)
        {
            new Random(_options.Seed).Shuffle(order);
        }
        return order;
    }

    /// <summary>
    /// Row groups of one shard in reading order. Each shard has its own generator, seeded by the seed and
    /// its manifest position, so that a resumed pass can order a shard's groups without opening the shards before it.
    /// </summary>
    internal int[] GroupOrder(int shard, int groups)
    {
        var order = Enumerable.Range(0, groups).ToArray();
        if (_options.Shuffle)
        {
            new Random(unchecked(_options.Seed * 1_000_003 + (shard + 1) * 7_919)).Shuffle(order);
        }
        return order;
    }

    /// <summary>The pass's shuffle buffer, or null when not shuffling (rows pass straight through).</summary>
    internal ShuffleBuffer<T>? NewShuffleBuffer<T>() =>
        _options.Shuffle ? new ShuffleBuffer<T>(_options.ShuffleBufferBytes, new Random(_options.Seed ^ 0x5bd1e995)) : null;

    /// <summary>
    /// Maps and opens the shard at manifest position <paramref name="shard"/> and checks its schema, metadata
    /// and row count; with <paramref name="verify"/>, first its size and SHA-256 (unless
    /// <see cref="CacheReaderOptions.Verified"/> holds the shard unchanged).
    /// </summary>
    internal async Task<OpenedShard> OpenShardAsync(int shard, bool verify, CancellationToken cancellationToken)
    {
        var entry = Manifest.Shards[shard];
        var path = Path.Combine(_directory, entry.File);
        // A shard may be a symbolic link (a cache assembled from other caches' shards): its size and time are the target's.
        var file = new FileInfo(path);
        if (file.LinkTarget is not null)
        {
            file = file.ResolveLinkTarget(returnFinalTarget: true) as FileInfo ?? file;
        }
        if (!file.Exists)
        {
            throw new CacheFormatException($"{entry.File}: listed in {CacheManifest.FileName} but missing from {_directory}");
        }
        long length = file.Length;
        if (length == 0 || (verify && length != entry.Bytes))
        {
            throw Damaged(entry, $"size is {length} bytes, the manifest says {entry.Bytes}");
        }
        bool hash = verify && _options.Verified?.Covers(path, entry, file) != true;
        var mapped = MappedShard.Open(path, length);
        try
        {
            if (hash)
            {
                if (ShardFile.CompareBytes(entry, length, mapped.Sha256()) is { Count: > 0 } problems)
                {
                    throw Damaged(entry, string.Join("; ", problems));
                }
                _options.Verified?.Add(path, entry, file);
            }
            // A damaged footer is only reachable unverified (a resumed pass placing skipped rows) or for a shard
            // replaced together with its manifest entry.
            var reader = await ShardFile.OpenParquetAsync(mapped.OpenStream(), entry.File, leaveOpen: false, cancellationToken);
            if (ShardFile.CompareContents(reader, _schema, entry.Rows) is { Count: > 0 } contentProblems)
            {
                await reader.DisposeAsync();
                throw new CacheFormatException($"{entry.File}: {string.Join("; ", contentProblems)}");
            }
            return new OpenedShard(mapped, reader, new RowGroupDecoder(_schema, _selection, reader.Schema, entry.File, mapped));
        }
        catch
        {
            mapped.Dispose();
            throw;
        }
    }

    private static CacheFormatException Damaged(CacheShardEntry entry, string problems) =>
        new($"{entry.File}: {problems}. The shard is damaged or was replaced; restore it or rebuild the cache");

    private async Task ProduceAsync(ChannelWriter<RowSlot[]> writer, CancellationToken cancellationToken)
    {
        Exception? error = null;
        try
        {
            var plan = _options.SkipRows > 0 ? await SkipPlan.BuildAsync(this, _options.SkipRows, cancellationToken) : null;
            var pages = new GrowableBuffer<byte>();
            foreach (int shard in ShardOrder())
            {
                var planned = plan?.Shard(shard);
                if (planned is { AllSkipped: true })
                {
                    // Every row of this shard was yielded before the resume point: place them, read nothing.
                    foreach (int g in GroupOrder(shard, planned.Groups.Length))
                    {
                        await writer.WriteAsync(planned.Groups[g]!.Placeholders(_selection), cancellationToken);
                    }
                    continue;
                }
                await using var opened = await OpenShardAsync(shard, verify: true, cancellationToken);
                foreach (int g in GroupOrder(shard, opened.Reader.RowGroupCount))
                {
                    var group = planned?.Groups[g];
                    if (group is { AllSkipped: true })
                    {
                        await writer.WriteAsync(group.Placeholders(_selection), cancellationToken);
                        continue;
                    }
                    using var rowGroup = opened.Reader.OpenRowGroupReader(g);
                    await writer.WriteAsync(await opened.Decoder.ReadAsync(rowGroup, g, group?.Skipped, pages, cancellationToken), cancellationToken);
                }
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

    /// <summary>
    /// The rows of <paramref name="slots"/> past the skip point. The skip plan made exactly the first
    /// SkipRows slots empty, so anything else means the plan and the pass disagree on the order.
    /// </summary>
    private List<CacheReadRow> Unskipped(List<RowSlot> slots, ref long position)
    {
        var rows = new List<CacheReadRow>(slots.Count);
        foreach (var slot in slots)
        {
            bool skip = position++ < _options.SkipRows;
            if (skip != (slot.Row is null))
            {
                throw new InvalidOperationException(
                    $"row {position - 1} of the pass was {(skip ? "decoded although it is skipped" : "skipped although it is after the skip point")}: "
                    + "the resumed order differs from the full order (a bug in the reader)");
            }
            if (slot.Row is { } row)
            {
                rows.Add(row);
            }
        }
        return rows;
    }

    /// <summary>A mapped, checked shard with its Parquet reader and row-group decoder.</summary>
    internal sealed class OpenedShard(MappedShard mapped, ParquetReader reader, RowGroupDecoder decoder) : IAsyncDisposable
    {
        public ParquetReader Reader => reader;

        public RowGroupDecoder Decoder => decoder;

        public async ValueTask DisposeAsync()
        {
            await reader.DisposeAsync();
            mapped.Dispose();
        }
    }
}
