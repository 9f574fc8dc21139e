using Parquet;
using Parquet.Schema;

namespace Distill.Cache;

/// <summary>
/// Rows of one pending row group, already encoded column by column (tensors converted to the spec's
/// dtype on arrival), so the caller may reuse its arrays and the buffer holds the compact form.
/// </summary>
internal sealed class RowGroupBuffer
{
    private readonly CacheSchema _schema;
    private readonly List<string> _featureIds = [];
    private readonly List<string> _exampleIds = [];
    private readonly GrowableBuffer<int> _lengths = new();
    private readonly ListColumn<int> _inputIds, _offsets, _segments;
    private readonly ListColumn<float>? _logits, _topKValues, _logSumExp;
    private readonly ListColumn<int>? _topKIndices;
    private readonly BlobColumn[] _hidden, _attentions, _projections;
    private readonly BlobColumn? _pooled;
    private readonly IColumn[] _columns;

    public RowGroupBuffer(CacheSchema schema)
    {
        _schema = schema;
        _inputIds = new(schema.InputIds);
        _offsets = new(schema.Offsets);
        _segments = new(schema.Segments);
        _logits = schema.Logits is { } l ? new(l) : null;
        _topKValues = schema.TopKValues is { } v ? new(v) : null;
        _topKIndices = schema.TopKIndices is { } i ? new(i) : null;
        _logSumExp = schema.LogSumExp is { } s ? new(s) : null;
        _hidden = schema.Hidden.Select(f => new BlobColumn(f)).ToArray();
        _attentions = schema.Attentions.Select(f => new BlobColumn(f)).ToArray();
        _projections = schema.Projections.Select(f => new BlobColumn(f)).ToArray();
        _pooled = schema.Pooled is { } p ? new(p) : null;
        _columns = new IColumn?[] { _inputIds, _offsets, _segments, _logits, _topKValues, _topKIndices, _logSumExp }
            .Concat(_hidden).Concat(_attentions).Concat(_projections).Append(_pooled).OfType<IColumn>().ToArray();
    }

    public int Rows => _featureIds.Count;

    /// <summary>Encoded size so far, what the row group limit in bytes is compared with.</summary>
    public long Bytes
    {
        get
        {
            long bytes = 4L * _lengths.Count;
            foreach (var column in _columns)
            {
                bytes += column.Bytes;
            }
            return bytes;
        }
    }

    /// <summary>Appends a row that <see cref="CacheRowChecks"/> has accepted.</summary>
    public void Append(CacheWriteRow row)
    {
        var spec = _schema.Spec;
        _featureIds.Add(row.FeatureId);
        _exampleIds.Add(row.ExampleId);
        _lengths.Add(row.Length);
        _inputIds.Append(row.InputIds);
        _offsets.Append(row.Offsets);
        _segments.Append(row.Segments);
        if (_logits is not null)
        {
            _logits.Append(row.Logits);
        }
        else if (row.TopK is { } topK)
        {
            _topKValues!.Append(topK.Values);
            _topKIndices!.Append(topK.Indices);
            _logSumExp!.Append(topK.LogSumExp);
        }
        else
        {
            int k = spec.TopK!.Value;
            int positions = spec.Positions(row.Length);
            TopKLogits.Select(row.Logits, spec.LogitWidth, k,
                _topKValues!.Reserve(positions * k), _topKIndices!.Reserve(positions * k), _logSumExp!.Reserve(positions));
        }
        for (int i = 0; i < _hidden.Length; i++)
        {
            _hidden[i].Append(row.Hidden[i], spec.DType);
        }
        for (int i = 0; i < _attentions.Length; i++)
        {
            _attentions[i].Append(row.Attentions[i], spec.DType);
        }
        for (int i = 0; i < _projections.Length; i++)
        {
            _projections[i].Append(row.Projections[i], spec.DType);
        }
        _pooled?.Append(row.Pooled!, spec.DType);
    }

    /// <summary>
    /// Writes the buffered rows as one row group, in schema order: the small columns with
    /// <paramref name="options"/>' codec, the tensor columns with <paramref name="tensorCompression"/>.
    /// <paramref name="options"/> must be the instance <paramref name="writer"/> was created with: Parquet.Net 6
    /// has no per-column codec setting, but reads the instance's codec when each column chunk is written (and
    /// records it in that chunk's metadata, where every Parquet reader looks for it).
    /// </summary>
    public async Task WriteAsync(ParquetWriter writer, ParquetOptions options, CompressionMethod tensorCompression, CancellationToken cancellationToken)
    {
        var small = options.CompressionMethod;
        try
        {
            using var group = writer.CreateRowGroup();
            await group.WriteAsync(_schema.FeatureId, _featureIds, null);
            await group.WriteAsync(_schema.ExampleId, _exampleIds, null);
            await group.WriteAsync(_schema.Length, _lengths.Memory, null, null, cancellationToken);
            foreach (var column in _columns)
            {
                options.CompressionMethod = column is BlobColumn ? tensorCompression : small;
                await column.WriteAsync(group, cancellationToken);
            }
            group.CompleteValidate();
        }
        finally
        {
            options.CompressionMethod = small;
        }
    }

    public void Clear()
    {
        _featureIds.Clear();
        _exampleIds.Clear();
        _lengths.Clear();
        foreach (var column in _columns)
        {
            column.Clear();
        }
    }

    private interface IColumn
    {
        long Bytes { get; }
        Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken);
        void Clear();
    }

    /// <summary>A list column as Parquet stores it: values plus definition and repetition levels.</summary>
    private sealed class ListColumn<T>(ListField field) : IColumn where T : unmanaged
    {
        private readonly DataField _leaf = (DataField)field.Item;
        private readonly GrowableBuffer<T> _values = new();
        private readonly GrowableBuffer<int> _definitions = new();
        private readonly GrowableBuffer<int> _repetitions = new();

        public long Bytes => (long)_values.Count * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();

        public void Append(ReadOnlySpan<T> row) => row.CopyTo(Reserve(row.Length));

        /// <summary>Adds one row of <paramref name="count"/> values and returns them to fill.</summary>
        public Span<T> Reserve(int count)
        {
            if (count == 0)
            {
                // An empty (not null) list: one level entry, defined up to the list, with no value.
                _definitions.Add(_leaf.MaxDefinitionLevel - 1);
                _repetitions.Add(0);
                return [];
            }
            _definitions.Reserve(count).Fill(_leaf.MaxDefinitionLevel);
            var repetitions = _repetitions.Reserve(count);
            repetitions.Fill(_leaf.MaxRepetitionLevel);
            repetitions[0] = 0;
            return _values.Reserve(count);
        }

        public Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken) =>
            group.WriteAllPartsAsync(_leaf, _values.Memory, _definitions.Memory, _repetitions.Memory, cancellationToken);

        public void Clear()
        {
            _values.Clear();
            _definitions.Clear();
            _repetitions.Clear();
        }
    }

    /// <summary>A binary column: all rows' blobs in one buffer, handed to Parquet as slices.</summary>
    private sealed class BlobColumn(DataField field) : IColumn
    {
        private readonly GrowableBuffer<byte> _bytes = new();
        private readonly GrowableBuffer<int> _ends = new();
        private ReadOnlyMemory<byte>[] _slices = [];

        public long Bytes => _bytes.Count;

        public void Append(ReadOnlySpan<float> values, CacheDType dtype)
        {
            TensorBlob.Encode(values, dtype, _bytes.Reserve(values.Length * TensorBlob.ElementSize(dtype)));
            _ends.Add(_bytes.Count);
        }

        public Task WriteAsync(ParquetRowGroupWriter group, CancellationToken cancellationToken)
        {
            int rows = _ends.Count;
            if (_slices.Length < rows)
            {
                _slices = new ReadOnlyMemory<byte>[rows];
            }
            // Slices are taken only now: the byte buffer may have moved while it grew.
            var bytes = _bytes.Memory;
            var ends = _ends.Memory.Span;
            for (int r = 0, start = 0; r < rows; start = ends[r], r++)
            {
                _slices[r] = bytes[start..ends[r]];
            }
            return group.WriteAsync(field, (ReadOnlyMemory<ReadOnlyMemory<byte>>)_slices.AsMemory(0, rows), null, null, cancellationToken);
        }

        public void Clear()
        {
            _bytes.Clear();
            _ends.Clear();
        }
    }
}
