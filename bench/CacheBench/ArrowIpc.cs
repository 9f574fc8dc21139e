using System.Diagnostics;
using System.Runtime.InteropServices;
using Apache.Arrow;
using Apache.Arrow.Ipc;
using Apache.Arrow.Types;
using Distill.Cache;

namespace Distill.CacheBench;

/// <summary>
/// The same rows as an uncompressed Arrow IPC file (feature id, input ids, logits, one list&lt;halffloat&gt;
/// per hidden layer, pooled), for comparison with the Parquet shards. Reading decodes to float32 like
/// the cache reader does.
/// </summary>
internal static class ArrowIpc
{
    private const int BatchRows = 1024;

    public static async Task<(long Bytes, double Seconds)> WriteAsync(string path, CacheSpec spec, IReadOnlyList<CacheWriteRow> rows)
    {
        var fields = new List<Field>
        {
            new("feature_id", StringType.Default, false),
            new("input_ids", new ListType(Int32Type.Default), false),
            new("logits", new ListType(FloatType.Default), false),
        };
        fields.AddRange(spec.HiddenLayers.Select(l => new Field($"hidden_L{l}", new ListType(HalfFloatType.Default), false)));
        fields.Add(new Field("pooled", new ListType(HalfFloatType.Default), false));
        var schema = new Schema(fields, null);
        var clock = Stopwatch.StartNew();
        await using (var stream = File.Create(path))
        {
            using var writer = new ArrowFileWriter(stream, schema);
            foreach (var batch in rows.Chunk(BatchRows))
            {
                var columns = new List<IArrowArray>
                {
                    Strings(batch.Select(r => r.FeatureId)),
                    List(Int32Type.Default, batch.Select(r => r.InputIds), (values, n) => new Int32Array(values, ArrowBuffer.Empty, n, 0, 0)),
                    List(FloatType.Default, batch.Select(r => r.Logits), (values, n) => new FloatArray(values, ArrowBuffer.Empty, n, 0, 0)),
                };
                for (int l = 0; l < spec.HiddenLayers.Count; l++)
                {
                    columns.Add(Halves(batch.Select(r => r.Hidden[l])));
                }
                columns.Add(Halves(batch.Select(r => r.Pooled!)));
                await writer.WriteRecordBatchAsync(new RecordBatch(schema, columns, batch.Length));
            }
            await writer.WriteEndAsync();
            stream.Flush(flushToDisk: true);
        }
        return (new FileInfo(path).Length, clock.Elapsed.TotalSeconds);
    }

    public static async Task<(long Rows, double Seconds)> ReadAsync(string path)
    {
        var clock = Stopwatch.StartNew();
        long rows = 0;
        using var reader = ArrowFileReader.FromFile(path);
        while (await reader.ReadNextRecordBatchAsync() is { } batch)
        {
            using (batch)
            {
                var decoded = new List<float[]>();
                for (int c = 3; c < batch.ColumnCount; c++)
                {
                    var list = (ListArray)batch.Column(c);
                    var halves = ((HalfFloatArray)list.Values).Values;
                    for (int r = 0; r < batch.Length; r++)
                    {
                        var source = halves.Slice(list.ValueOffsets[r], list.GetValueLength(r));
                        var values = new float[source.Length];
                        for (int i = 0; i < values.Length; i++)
                        {
                            values[i] = (float)source[i];
                        }
                        decoded.Add(values);
                    }
                }
                rows += batch.Length;
            }
        }
        return (rows, clock.Elapsed.TotalSeconds);
    }

    private static StringArray Strings(IEnumerable<string> values)
    {
        var builder = new StringArray.Builder();
        builder.AppendRange(values);
        return builder.Build();
    }

    private static ListArray List<T>(IArrowType type, IEnumerable<T[]> rows, Func<ArrowBuffer, int, IArrowArray> array) where T : struct
    {
        var all = rows.ToArray();
        var offsets = new int[all.Length + 1];
        for (int r = 0; r < all.Length; r++)
        {
            offsets[r + 1] = offsets[r] + all[r].Length;
        }
        var values = new T[offsets[^1]];
        for (int r = 0; r < all.Length; r++)
        {
            all[r].CopyTo(values, offsets[r]);
        }
        return new ListArray(new ListType(type), all.Length, Buffer(offsets), array(Buffer(values), values.Length), ArrowBuffer.Empty, 0, 0);
    }

    private static ListArray Halves(IEnumerable<float[]> rows) =>
        List(HalfFloatType.Default, rows.Select(ToHalves), (values, n) => new HalfFloatArray(values, ArrowBuffer.Empty, n, 0, 0));

    private static Half[] ToHalves(float[] values)
    {
        var halves = new Half[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            halves[i] = (Half)values[i];
        }
        return halves;
    }

    private static ArrowBuffer Buffer<T>(T[] values) where T : struct =>
        new(MemoryMarshal.AsBytes(values.AsSpan()).ToArray());
}
