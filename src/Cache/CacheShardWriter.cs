using System.IO.Compression;
using Distill.IO;
using Parquet;
using Polly;

namespace Distill.Cache;

/// <summary>
/// Writes one cache shard: rows in, a Parquet file out. The file is written under a hidden temporary
/// name in the target directory and appears under its final name only, complete and fsynced, when
/// <see cref="CompleteAsync"/> succeeds; disposing without completing deletes it. Not thread-safe.
/// </summary>
internal sealed class CacheShardWriter : IAsyncDisposable
{
    private readonly string _shardName;
    private readonly string _temporaryPath;
    private readonly string _finalPath;
    private readonly CacheSpec _spec;
    private readonly FileStream _stream;
    private readonly ParquetWriter _parquet;
    private readonly ParquetOptions _parquetOptions;
    private readonly RowGroupBuffer _buffer;
    private readonly CacheWriterOptions _options;
    private readonly ResiliencePipeline _retry;
    private long _rows;
    private State _state = State.Open;

    private enum State { Open, Failed, Completed, Disposed }

    private CacheShardWriter(string shardName, string temporaryPath, string finalPath, CacheSchema schema,
        FileStream stream, ParquetWriter parquet, ParquetOptions parquetOptions, CacheWriterOptions options)
    {
        _shardName = shardName;
        _temporaryPath = temporaryPath;
        _finalPath = finalPath;
        _spec = schema.Spec;
        _stream = stream;
        _parquet = parquet;
        _parquetOptions = parquetOptions;
        _buffer = new RowGroupBuffer(schema);
        _options = options;
        _retry = IoRetry.Create(options.IoAttempts, options.IoRetryDelay, options.Log);
    }

    /// <summary>Rows accepted so far.</summary>
    public long Rows => _rows;

    /// <summary>Starts a shard with the default <see cref="CacheWriterOptions"/>.</summary>
    public static Task<CacheShardWriter> CreateAsync(string directory, string shardName, CacheSpec spec, CancellationToken cancellationToken) =>
        CreateAsync(directory, shardName, spec, null, cancellationToken);

    /// <summary>
    /// Starts a shard named <paramref name="shardName"/> (see <see cref="CacheShardNames"/>) in
    /// <paramref name="directory"/>, which is created if needed. Fails if a file of that name exists:
    /// completed shards are never overwritten.
    /// </summary>
    public static async Task<CacheShardWriter> CreateAsync(
        string directory, string shardName, CacheSpec spec, CacheWriterOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(spec);
        options ??= new CacheWriterOptions();
        options.Validate();
        spec.Validate();
        if (CacheShardNames.Problem(shardName) is { } problem)
        {
            throw new ArgumentException($"shard name \"{shardName}\" {problem}", nameof(shardName));
        }
        Directory.CreateDirectory(directory);
        var finalPath = Path.GetFullPath(Path.Combine(directory, shardName));
        if (File.Exists(finalPath))
        {
            throw new IOException($"{finalPath} already exists; completed shards are never overwritten: delete it or write another shard name");
        }
        // Hidden and unique: never matched by part-*.parquet, and two writers of one name do not collide.
        var temporaryPath = Path.Combine(Path.GetDirectoryName(finalPath)!, $".{shardName}.{Environment.ProcessId}-{Guid.NewGuid():N}.tmp");
        var schema = new CacheSchema(spec);
        var stream = new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        try
        {
            var parquetOptions = new ParquetOptions
            {
                CompressionMethod = options.Compression,
                // The library's default (SmallestSize) makes zstd ~25× slower for ~7% smaller files.
                CompressionLevel = CompressionLevel.Optimal,
            };
            var parquet = await ParquetWriter.CreateAsync(schema.Parquet, stream, parquetOptions, append: false, cancellationToken);
            parquet.CustomMetadata = schema.Metadata();
            return new CacheShardWriter(shardName, temporaryPath, finalPath, schema, stream, parquet, parquetOptions, options);
        }
        catch
        {
            await stream.DisposeAsync();
            File.Delete(temporaryPath);
            throw;
        }
    }

    /// <summary>
    /// Adds rows; a full row group is written as soon as it fills. Every row of the batch is checked against
    /// the spec first, so a bad batch adds nothing. The arrays may be reused once this returns.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<CacheWriteRow> rows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ThrowIfNotOpen();
        for (int i = 0; i < rows.Count; i++)
        {
            CacheRowChecks.Validate(rows[i], _spec, $"{_shardName}: row {_rows + i} (batch row {i})");
        }
        try
        {
            foreach (var row in rows)
            {
                _buffer.Append(row);
                _rows++;
                if (_buffer.Rows >= _options.RowGroupRows || _buffer.Bytes >= _options.RowGroupBytes)
                {
                    await FlushRowGroupAsync(cancellationToken);
                }
            }
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    /// <summary>
    /// Writes the last row group and the footer, fsyncs, checks the row count, hashes the file and renames
    /// it to its final name, then fsyncs the directory. Transient I/O failures of the rename are retried; a failed
    /// fsync is not (<see cref="SyncFailedException"/>).
    /// </summary>
    public async Task<ShardInfo> CompleteAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfNotOpen();
        try
        {
            if (_buffer.Rows > 0)
            {
                await FlushRowGroupAsync(cancellationToken);
            }
            await _parquet.DisposeAsync();
            // Not retried: a failed fsync fails the shard, which a rerun redoes.
            AtomicFile.FlushToDisk(_stream);
            var (bytes, sha256) = await ShardFile.MeasureAsync(_stream, cancellationToken);
            _stream.Position = 0;
            long rows;
            await using (var reader = await ParquetReader.CreateAsync(_stream, null, leaveStreamOpen: true, cancellationToken))
            {
                rows = reader.RowGroups.Sum(g => g.RowCount);
            }
            if (rows != _rows)
            {
                throw new CacheFormatException($"{_temporaryPath}: the written file holds {rows} rows, {_rows} were written");
            }
            await _stream.DisposeAsync();
            if (File.Exists(_finalPath))
            {
                throw new IOException($"{_finalPath} appeared while the shard was written; completed shards are never overwritten");
            }
            IoRetry.Run(_retry, $"renaming {_temporaryPath} to {_finalPath}", () => File.Move(_temporaryPath, _finalPath, overwrite: false), cancellationToken);
            AtomicFile.SyncDirectory(Path.GetDirectoryName(_finalPath)!);
            _state = State.Completed;
            return new ShardInfo(_shardName, rows, bytes, sha256);
        }
        catch
        {
            _state = State.Failed;
            throw;
        }
    }

    /// <summary>Deletes the temporary file unless <see cref="CompleteAsync"/> succeeded; never throws.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_state is State.Completed or State.Disposed)
        {
            _state = State.Disposed;
            return;
        }
        _state = State.Disposed;
        try
        {
            await _parquet.DisposeAsync();
        }
        catch (Exception)
        {
            // The file is about to be deleted; a failure to finish it does not matter.
        }
        try
        {
            await _stream.DisposeAsync();
        }
        catch (Exception)
        {
            // Flushing the buffered tail fails on a full disk; the handle is closed all the same.
        }
        try
        {
            File.Delete(_temporaryPath);
        }
        catch (Exception e)
        {
            _options.Log?.Invoke($"could not delete the abandoned shard {_temporaryPath}: {e.Message}");
        }
    }

    private async Task FlushRowGroupAsync(CancellationToken cancellationToken)
    {
        await _buffer.WriteAsync(_parquet, _parquetOptions, _options.TensorCompression, cancellationToken);
        _buffer.Clear();
    }

    private void ThrowIfNotOpen()
    {
        if (_state != State.Open)
        {
            throw new InvalidOperationException(_state switch
            {
                State.Failed => $"{_shardName}: an earlier write or complete failed; dispose this writer and write the shard again",
                State.Completed => $"{_shardName}: already completed",
                _ => $"{_shardName}: the writer is disposed",
            });
        }
    }
}
