using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using Distill.Safetensors;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Safetensors;

public sealed class SafetensorsFileTests
{
    public SafetensorsFileTests() => TestAssets.EnsureTorch();

    /// <summary>A file laid out by hand from the format description, independent of our writer.</summary>
    private static byte[] HandMadeFile()
    {
        const string header = """{"b":{"dtype":"I64","shape":[2],"data_offsets":[8,24]},"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}""";
        var bytes = new List<byte>();
        var length = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        bytes.AddRange(length);
        bytes.AddRange(Encoding.ASCII.GetBytes(header));
        bytes.AddRange(BitConverter.GetBytes(1.5f));
        bytes.AddRange(BitConverter.GetBytes(-2.25f));
        bytes.AddRange(BitConverter.GetBytes(7L));
        bytes.AddRange(BitConverter.GetBytes(-9L));
        return bytes.ToArray();
    }

    [Fact]
    public void Read_HandMadeFile_ValuesAndShapes()
    {
        using var dir = new TemporaryDirectory();
        File.WriteAllBytes(dir.File("m.safetensors"), HandMadeFile());

        var tensors = SafetensorsFile.Read(dir.File("m.safetensors"));

        Assert.Equal([1.5f, -2.25f], tensors["a"].data<float>().ToArray());
        Assert.Equal([7L, -9L], tensors["b"].data<long>().ToArray());
    }

    [Fact]
    public void WriteRead_EveryDType_RoundTripsExactly()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("m.safetensors");
        manual_seed(3);
        var original = new Dictionary<string, Tensor>
        {
            ["f32"] = randn(3, 4),
            ["f16"] = randn(5).to(ScalarType.Float16),
            ["bf16"] = randn(2, 2).to(ScalarType.BFloat16),
            ["f64"] = randn(2, dtype: ScalarType.Float64),
            ["i64"] = arange(6).reshape(2, 3),
            ["i32"] = tensor(new[] { -1, 0, 1 }),
            ["u8"] = tensor(new byte[] { 0, 255 }),
            ["bool"] = tensor(new[] { true, false }),
            ["transposed"] = randn(3, 2).t(), // not contiguous
        };

        SafetensorsFile.Write(path, original);
        var read = SafetensorsFile.Read(path);

        Assert.Equal(original.Keys.Order(), read.Keys.Order());
        foreach (var (name, tensor) in original)
        {
            Assert.Equal(tensor.dtype, read[name].dtype);
            Assert.Equal(tensor.shape, read[name].shape);
            Assert.True(tensor.contiguous().bytes.SequenceEqual(read[name].bytes), name);
        }
    }

    [Fact]
    public void Write_HeaderHasPtFormatAndAlignedData()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("m.safetensors");

        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["w"] = ones(3) });
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        var header = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, headerLength)).RootElement;

        Assert.Equal(0, headerLength % 8);
        Assert.Equal("pt", header.GetProperty("__metadata__").GetProperty("format").GetString());
        Assert.Equal(8 + headerLength + 12, bytes.Length);
    }

    [Theory]
    [InlineData("short")]
    [InlineData("header-too-long")]
    [InlineData("bad-json")]
    [InlineData("bad-dtype")]
    [InlineData("offsets-outside")]
    [InlineData("size-mismatch")]
    public void Read_Malformed_ErrorNamesFileAndProblem(string kind)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("bad.safetensors");
        var (bytes, expected) = kind switch
        {
            "short" => (new byte[] { 1, 2, 3 }, "too short"),
            "header-too-long" => (Prefix(1000, "{}"), "exceeds the file size"),
            "bad-json" => (Prefix(5, "{nope"), "not valid JSON"),
            "bad-dtype" => (Prefix(null, """{"a":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}}""", 1), "dtype \"F8\""),
            "offsets-outside" => (Prefix(null, """{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", 2), "outside the 2-byte data section"),
            _ => (Prefix(null, """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", 4), "needs 8 bytes"),
        };
        File.WriteAllBytes(path, bytes);

        var error = Assert.Throws<SafetensorsFormatException>(() => SafetensorsFile.Read(path));

        Assert.Contains(path, error.Message);
        Assert.Contains(expected, error.Message);
    }

    private static byte[] Prefix(int? declaredLength, string header, int dataBytes = 0)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + headerBytes.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(declaredLength ?? headerBytes.Length));
        headerBytes.CopyTo(bytes, 8);
        return bytes;
    }
}
