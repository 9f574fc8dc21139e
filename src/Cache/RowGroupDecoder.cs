using System.Buffers;
using Parquet;
using Parquet.Schema;

namespace Distill.Cache;

/// <summary>
/// Reads row groups of one shard back into <see cref="CacheReadRow"/>s, only the selected columns, tensors
/// kept in the cache's dtype. Built once per shard after its schema matched (<see cref="CacheSchema.Compare"/>);
/// errors name the shard, row group, row and column.
/// </summary>
internal sealed class RowGroupDecoder
{
    private readonly CacheSchema _schema;
    private readonly ColumnSelection _columns;
    private readonly string _shard;
    private readonly Dictionary<string, DataField> _fields;
    private readonly long _fileBytes;
    private readonly MappedShard _mapped;

    // The mapped shard's size bounds every row count read from the file.
    public RowGroupDecoder(CacheSchema schema, ColumnSelection columns, ParquetSchema fileSchema, string shard, MappedShard mapped)
    {
        _mapped = mapped;
        _schema = schema;
        _columns = columns;
        _shard = shard;
        _fileBytes = mapped.Length;
        // Read with the file's own field objects: they carry the levels Parquet.Net resolved for this file.
        _fields = fileSchema.GetDataFields().ToDictionary(f => f.Path.ToString());
    }

    /// <summary>The length column alone: enough to place a group's rows in a pass's order.</summary>
    public async Task<int[]> ReadLengthsAsync(ParquetRowGroupReader group, CancellationToken cancellationToken)
    {
        var lengths = new int[Rows(group)];
        await Decoding(() => group.ReadAsync(Field(_schema.Length), lengths.AsMemory(), null, cancellationToken).AsTask(), "the length column");
        if (Array.FindIndex(lengths, t => t < 1) is var bad and >= 0)
        {
            throw new CacheFormatException($"{_shard}: row {bad} of a row group has length {lengths[bad]}, expected at least 1 token");
        }
        return lengths;
    }

    /// <summary>The group's row count, checked against the file's size before anything is allocated for it.</summary>
    private int Rows(ParquetRowGroupReader group)
    {
        if (group.RowCount < 0 || group.RowCount > _fileBytes || group.RowCount > Array.MaxLength)
        {
            throw new CacheFormatException($"{_shard}: a row group claims {group.RowCount} rows, more than the shard's {_fileBytes} bytes can hold");
        }
        return (int)group.RowCount;
    }

    /// <summary>
    /// Runs a Parquet.Net read; a damaged page surfaces as whichever exception its decoder meets first, reported
    /// here as this shard's format error.
    /// </summary>
    private async Task Decoding(Func<Task> read, string what)
    {
        try
        {
            await read();
        }
        catch (Exception e) when (e is not CacheFormatException and not OperationCanceledException)
        {
            throw new CacheFormatException($"{_shard}: {what} cannot be decoded ({e.GetType().Name}: {e.Message})");
        }
    }

    /// <summary>
    /// The group's rows in file order; rows marked in <paramref name="skipped"/> come back as empty slots
    /// whose tensors are not copied. <paramref name="pages"/> holds decompressed pages meanwhile: one buffer for a
    /// whole pass, so that a pass's page buffers are one array, not one per page.
    /// </summary>
    public async Task<RowSlot[]> ReadAsync(ParquetRowGroupReader group, int groupIndex, bool[]? skipped, GrowableBuffer<byte> pages, CancellationToken cancellationToken)
    {
        var spec = _schema.Spec;
        var lengths = await ReadLengthsAsync(group, cancellationToken);
        int rows = lengths.Length;
        var featureIds = new string[rows];
        var exampleIds = new string[rows];
        await Decoding(() => group.ReadAsync(Field(_schema.FeatureId), featureIds, null, cancellationToken).AsTask(), $"row group {groupIndex}, column feature_id");
        await Decoding(() => group.ReadAsync(Field(_schema.ExampleId), exampleIds, null, cancellationToken).AsTask(), $"row group {groupIndex}, column example_id");
        var where = new Where(_shard, groupIndex, featureIds);
        bool Wanted(int r) => skipped is null || !skipped[r];

        var inputIds = await ReadListAsync<int>(group, _schema.InputIds, rows, where, r => lengths[r], "T", cancellationToken);
        var offsets = await ReadListAsync<int>(group, _schema.Offsets, rows, where, r => 2 * lengths[r], "2 × T", cancellationToken);
        var segments = await ReadListAsync<int>(group, _schema.Segments, rows, where, r => lengths[r], "T", cancellationToken);
        float[][]? logits = null;
        CacheTopK?[] topK = new CacheTopK?[rows];
        if (_columns.Logits && _schema.Logits is { } logitsField)
        {
            logits = await ReadListAsync<float>(group, logitsField, rows, where, r => spec.Positions(lengths[r]) * spec.LogitWidth, "positions × logit_width", cancellationToken);
        }
        else if (_columns.Logits)
        {
            int k = spec.TopK!.Value;
            var values = await ReadListAsync<float>(group, _schema.TopKValues!, rows, where, r => spec.Positions(lengths[r]) * k, "positions × top_k", cancellationToken);
            var indices = await ReadListAsync<int>(group, _schema.TopKIndices!, rows, where, r => spec.Positions(lengths[r]) * k, "positions × top_k", cancellationToken);
            var logSumExp = await ReadListAsync<float>(group, _schema.LogSumExp!, rows, where, r => spec.Positions(lengths[r]), "positions", cancellationToken);
            for (int r = 0; r < rows; r++)
            {
                topK[r] = new CacheTopK(values[r], indices[r], logSumExp[r]);
            }
        }
        var hidden = new CachedTensor[_columns.Hidden.Length][];
        for (int i = 0; i < hidden.Length; i++)
        {
            hidden[i] = await ReadBlobsAsync(group, pages, _schema.Hidden[_columns.Hidden[i]], rows, Wanted, where, r => (long)lengths[r] * spec.HiddenSize, "T × hidden_size", cancellationToken);
        }
        var attentions = new CachedTensor[_columns.Attentions.Length][];
        for (int i = 0; i < attentions.Length; i++)
        {
            attentions[i] = await ReadBlobsAsync(group, pages, _schema.Attentions[_columns.Attentions[i]], rows, Wanted, where, r => (long)spec.NumHeads * lengths[r] * lengths[r], "num_heads × T × T", cancellationToken);
        }
        var projections = new CachedTensor[_columns.Projections.Length][];
        for (int i = 0; i < projections.Length; i++)
        {
            projections[i] = await ReadBlobsAsync(group, pages, _schema.Projections[_columns.Projections[i]], rows, Wanted, where, r => (long)lengths[r] * spec.HiddenSize, "T × hidden_size", cancellationToken);
        }
        var pooled = _columns.Pooled
            ? await ReadBlobsAsync(group, pages, _schema.Pooled!, rows, Wanted, where, _ => spec.HiddenSize, "hidden_size", cancellationToken)
            : null;

        var result = new RowSlot[rows];
        for (int r = 0; r < rows; r++)
        {
            long bytes = _columns.RowBytes(lengths[r]);
            if (!Wanted(r))
            {
                result[r] = new RowSlot(null, bytes);
                continue;
            }
            var row = new CacheReadRow(
                featureIds[r], exampleIds[r], inputIds[r], offsets[r], segments[r], logits?[r] ?? [],
                hidden.Select(h => h[r]).ToArray(), attentions.Select(a => a[r]).ToArray(), pooled?[r])
            {
                TopK = topK[r],
                Projections = projections.Select(p => p[r]).ToArray(),
            };
            result[r] = new RowSlot(row, bytes);
        }
        return result;
    }

    private DataField Field(DataField expected) => _fields[expected.Path.ToString()];

    private async Task<T[][]> ReadListAsync<T>(
        ParquetRowGroupReader group, ListField list, int rows, Where where, Func<int, long> expected, string rule, CancellationToken cancellationToken)
        where T : struct
    {
        var field = Field((DataField)list.Item);
        var chunk = group.GetMetadata(field)?.MetaData
            ?? throw new CacheFormatException($"{where.Shard}, row group {where.Group}: column {list.Name} has no column chunk metadata");
        // One level per value, one for an empty list: the lengths say how many there must be, before anything is rented.
        long expectedLevels = 0;
        for (int r = 0; r < rows; r++)
        {
            expectedLevels += Math.Max(1, expected(r));
        }
        if (chunk.NumValues != expectedLevels || expectedLevels > Array.MaxLength)
        {
            throw new CacheFormatException($"{where.Shard}, row group {where.Group}: column {list.Name} holds {chunk.NumValues} values, the rows' lengths make {expectedLevels}");
        }
        int levels = (int)expectedLevels;
        var values = ArrayPool<T>.Shared.Rent(levels);
        var definitions = ArrayPool<int>.Shared.Rent(levels);
        var repetitions = ArrayPool<int>.Shared.Rent(levels);
        try
        {
            await Decoding(() => group.ReadRawAsync(field, values.AsMemory(0, levels), definitions.AsMemory(0, levels), repetitions.AsMemory(0, levels), cancellationToken).AsTask(),
                $"row group {where.Group}, column {list.Name}");
            return Split(values, definitions, repetitions, levels, field.MaxDefinitionLevel, rows, list.Name, where, expected, rule);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(values);
            ArrayPool<int>.Shared.Return(definitions);
            ArrayPool<int>.Shared.Return(repetitions);
        }
    }

    /// <summary>
    /// Cuts a list column's flat values into rows: a repetition level of 0 starts a row, and only entries
    /// defined to the element level carry a value (a lower one is an empty list).
    /// </summary>
    private static T[][] Split<T>(
        T[] values, int[] definitions, int[] repetitions, int levels, int maxDefinition, int rows,
        string column, Where where, Func<int, long> expected, string rule)
    {
        var result = new T[rows][];
        int row = -1, valueStart = 0, count = 0;
        void Finish()
        {
            if (count != expected(row))
            {
                throw where.Error(row, column, $"{count} values", $"{rule} = {expected(row)}");
            }
            result[row] = values.AsSpan(valueStart, count).ToArray();
            valueStart += count;
        }
        for (int level = 0; level < levels; level++)
        {
            if (repetitions[level] == 0)
            {
                if (row >= 0)
                {
                    Finish();
                }
                if (++row >= rows)
                {
                    break;
                }
                count = 0;
            }
            else if (row < 0)
            {
                break;
            }
            count += definitions[level] == maxDefinition ? 1 : 0;
        }
        if (row >= 0 && row < rows)
        {
            Finish();
        }
        if (row != rows - 1)
        {
            throw new CacheFormatException($"{where.Shard}, row group {where.Group}: column {column} has list levels for {Math.Max(row + 1, 0)}+ rows, expected {rows}");
        }
        return result;
    }

    /// <summary>
    /// Copies each wanted row's blob into an array of the row's own, so that a buffered row holds its bytes and
    /// nothing of its row group. The chunk is read straight from the mapped shard (<see cref="BlobColumnChunk"/>)
    /// when it has the writer's layout, otherwise through Parquet.Net.
    /// </summary>
    private async Task<CachedTensor[]> ReadBlobsAsync(
        ParquetRowGroupReader group, GrowableBuffer<byte> pages, DataField expectedField, int rows, Func<int, bool> wanted, Where where, Func<int, long> expected, string rule,
        CancellationToken cancellationToken)
    {
        var dtype = _schema.Spec.DType;
        int size = TensorBlob.ElementSize(dtype);
        var field = Field(expectedField);
        var result = new CachedTensor[rows];
        void Keep(int r, ReadOnlySpan<byte> blob)
        {
            long count = expected(r);
            if (blob.Length != count * size)
            {
                throw where.Error(r, expectedField.Name, $"{blob.Length} bytes", $"{rule} × {size} bytes ({dtype}) = {count * size}");
            }
            if (wanted(r))
            {
                // Uninitialized: every byte is overwritten at once, and zeroing ~100 KB per row is measurable.
                var bytes = GC.AllocateUninitializedArray<byte>(blob.Length);
                blob.CopyTo(bytes);
                result[r] = new CachedTensor(bytes, dtype, (int)count);
            }
        }
        var chunk = group.GetMetadata(field)?.MetaData
            ?? throw new CacheFormatException($"{where.Shard}, row group {where.Group}: column {field.Name} has no column chunk metadata");
        // Each value is a 4-byte length and its bytes.
        long maxBytes = 0;
        for (int r = 0; r < rows; r++)
        {
            maxBytes += 4 + expected(r) * size;
        }
        bool read = false;
        await Decoding(() =>
        {
            read = BlobColumnChunk.TryRead(_mapped, field, chunk, rows, maxBytes, pages, Keep);
            return Task.CompletedTask;
        }, $"row group {where.Group}, column {field.Name}");
        if (!read)
        {
            var blobs = new ReadOnlyMemory<byte>[rows];
            await Decoding(() => group.ReadRawAsync(field, blobs.AsMemory(), null, null, cancellationToken).AsTask(), $"row group {where.Group}, column {field.Name}");
            for (int r = 0; r < rows; r++)
            {
                Keep(r, blobs[r].Span);
            }
        }
        return result;
    }

    private sealed record Where(string Shard, int Group, string[] FeatureIds)
    {
        public CacheFormatException Error(int row, string column, string found, string expected) =>
            new($"{Shard}, row group {Group}, row {row} (feature_id \"{FeatureIds[row]}\"): column {column} has {found}, expected {expected}");
    }
}
