using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Distill.IO;
using static TorchSharp.torch;

namespace Distill.Safetensors;

/// <summary>
/// Reads and writes the Hugging Face safetensors format: an 8-byte little-endian header length, a JSON header
/// (name → dtype, shape, data_offsets; optional <c>__metadata__</c>), then the raw little-endian tensor bytes.
/// Written here rather than taken from TorchSharp.PyBridge, whose reader/writer is internal, writes no
/// <c>__metadata__</c> (transformers asks for <c>"format": "pt"</c>) and does not align the header.
/// </summary>
internal static class SafetensorsFile
{
    private const string MetadataKey = "__metadata__";

    private static readonly Dictionary<string, ScalarType> DTypes = new()
    {
        ["F64"] = ScalarType.Float64, ["F32"] = ScalarType.Float32, ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16, ["I64"] = ScalarType.Int64, ["I32"] = ScalarType.Int32,
        ["I16"] = ScalarType.Int16, ["I8"] = ScalarType.Int8, ["U8"] = ScalarType.Byte, ["BOOL"] = ScalarType.Bool,
    };

    /// <summary>Bytes per element of each dtype, known before any tensor is allocated.</summary>
    private static readonly Dictionary<ScalarType, int> ElementSizes = new()
    {
        [ScalarType.Float64] = 8, [ScalarType.Float32] = 4, [ScalarType.Float16] = 2, [ScalarType.BFloat16] = 2, [ScalarType.Int64] = 8,
        [ScalarType.Int32] = 4, [ScalarType.Int16] = 2, [ScalarType.Int8] = 1, [ScalarType.Byte] = 1, [ScalarType.Bool] = 1,
    };

    /// <summary>Reads every tensor, in file order, onto the CPU.</summary>
    public static Dictionary<string, Tensor> Read(string path)
    {
        using var stream = File.OpenRead(path);
        Span<byte> prefix = stackalloc byte[8];
        if (stream.Length < 8)
        {
            throw new SafetensorsFormatException($"{path}: {stream.Length} bytes is too short for a safetensors header");
        }
        stream.ReadExactly(prefix);
        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)(stream.Length - 8) || headerLength > int.MaxValue)
        {
            throw new SafetensorsFormatException($"{path}: header length {headerLength} exceeds the file size {stream.Length}");
        }
        var headerBytes = new byte[headerLength];
        stream.ReadExactly(headerBytes);
        JsonObject header;
        try
        {
            header = JsonNode.Parse(headerBytes)?.AsObject()
                ?? throw new SafetensorsFormatException($"{path}: the header is not a JSON object");
            // JsonObject decodes its property names lazily: force it here, where invalid UTF-8 is reported as such.
            _ = header.Count;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw new SafetensorsFormatException($"{path}: the header is not valid JSON ({e.Message})");
        }

        var dataStart = 8 + (long)headerLength;
        var dataLength = stream.Length - dataStart;
        var tensors = new Dictionary<string, Tensor>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == MetadataKey) continue;
                var (dtype, shape, begin, end) = ParseEntry(path, name, node);
                if (begin < 0 || end < begin || end > dataLength)
                {
                    throw new SafetensorsFormatException($"{path}: tensor \"{name}\" has data_offsets [{begin}, {end}] outside the {dataLength}-byte data section");
                }
                // Sized from the header before anything is allocated: a hostile shape must not reach empty().
                var expected = ByteCount(shape, ElementSizes[dtype]);
                if (expected != end - begin)
                {
                    throw new SafetensorsFormatException($"{path}: tensor \"{name}\" of shape [{string.Join(",", shape)}] {dtype} needs {expected?.ToString() ?? "more than 2^63"} bytes, its offsets span {end - begin}");
                }
                var tensor = empty(shape, dtype);
                tensors.Add(name, tensor);
                stream.Position = dataStart + begin;
                stream.ReadExactly(tensor.bytes);
            }
            return tensors;
        }
        catch
        {
            // Nothing read so far reaches the caller: free the native memory now rather than at finalization.
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Writes the tensors sorted by name with <c>"format": "pt"</c> metadata, atomically (temporary file + rename).
    /// </summary>
    public static void Write(string path, IReadOnlyDictionary<string, Tensor> tensors)
    {
        var ordered = tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToArray();
        var header = new JsonObject { [MetadataKey] = new JsonObject { ["format"] = "pt" } };
        long offset = 0;
        foreach (var (name, tensor) in ordered)
        {
            var length = tensor.NumberOfElements * tensor.ElementSize;
            header[name] = new JsonObject
            {
                ["dtype"] = DTypes.First(kv => kv.Value == tensor.dtype).Key,
                ["shape"] = new JsonArray(tensor.shape.Select(d => JsonValue.Create(d)).ToArray<JsonNode?>()),
                ["data_offsets"] = new JsonArray(offset, offset + length),
            };
            offset += length;
        }
        var headerBytes = Encoding.UTF8.GetBytes(header.ToJsonString());
        // The format pads the header with spaces so the data section starts 8-byte aligned.
        var padded = (headerBytes.Length + 7) / 8 * 8;

        AtomicFile.Write(path, stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)padded);
            stream.Write(length);
            stream.Write(headerBytes);
            for (var i = headerBytes.Length; i < padded; i++) stream.WriteByte((byte)' ');
            foreach (var (_, tensor) in ordered)
            {
                using var contiguous = tensor.detach().cpu().contiguous();
                stream.Write(contiguous.bytes);
            }
        });
    }

    /// <summary>Elements × element size, or null when it overflows a long.</summary>
    private static long? ByteCount(long[] shape, int elementSize)
    {
        try
        {
            return checked(shape.Aggregate(1L, (product, dimension) => product * dimension) * elementSize);
        }
        catch (OverflowException)
        {
            return null;
        }
    }

    private static (ScalarType DType, long[] Shape, long Begin, long End) ParseEntry(string path, string name, JsonNode? node)
    {
        try
        {
            var entry = node!.AsObject();
            var dtypeName = entry["dtype"]!.GetValue<string>();
            if (!DTypes.TryGetValue(dtypeName, out var dtype))
            {
                throw new SafetensorsFormatException(
                    $"{path}: tensor \"{name}\" has dtype \"{dtypeName}\"; supported: {string.Join(", ", DTypes.Keys)}");
            }
            var shape = entry["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var offsets = entry["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            if (offsets.Length != 2 || shape.Any(d => d < 0))
            {
                throw new SafetensorsFormatException($"{path}: tensor \"{name}\" needs two data_offsets and a non-negative shape");
            }
            return (dtype, shape, offsets[0], offsets[1]);
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new SafetensorsFormatException($"{path}: tensor \"{name}\" needs \"dtype\", \"shape\" and \"data_offsets\" ({e.Message})");
        }
    }
}
