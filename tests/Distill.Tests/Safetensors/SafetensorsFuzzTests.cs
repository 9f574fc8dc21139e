using System.Buffers.Binary;
using System.Text;
using Distill.Safetensors;
using Xunit.Abstractions;
using Distill.Tests.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace Distill.Tests.Safetensors;

/// <summary>Hostile safetensors files: a clear error or a whole read, never a crash, a leak or a huge allocation.</summary>
public sealed class SafetensorsFuzzTests(ITestOutputHelper output)
{
    private const long AllocationLimit = 4 << 20;

    private static byte[] Valid(TemporaryDirectory dir)
    {
        TestAssets.EnsureTorch();
        var path = dir.File("valid.safetensors");
        using var a = arange(12, dtype: ScalarType.Float32).reshape(3, 4);
        using var b = ones(5, dtype: ScalarType.Int64);
        using var c = zeros(2, 2, dtype: ScalarType.Float16);
        SafetensorsFile.Write(path, new Dictionary<string, Tensor> { ["a"] = a, ["b"] = b, ["c"] = c });
        return File.ReadAllBytes(path);
    }

    private static byte[] WithHeader(string header, int dataBytes)
    {
        var headerBytes = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + headerBytes.Length + dataBytes];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)headerBytes.Length);
        headerBytes.CopyTo(bytes, 8);
        return bytes;
    }

    /// <summary>Reads <paramref name="bytes"/>: "ok", or the format error; anything else fails the test.</summary>
    private static string Outcome(TemporaryDirectory dir, byte[] bytes)
    {
        var path = dir.File("fuzzed.safetensors");
        File.WriteAllBytes(path, bytes);
        var live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        string outcome;
        try
        {
            foreach (var tensor in SafetensorsFile.Read(path).Values) tensor.Dispose();
            outcome = "ok";
        }
        catch (SafetensorsFormatException)
        {
            outcome = "error";
        }
        var used = GC.GetAllocatedBytesForCurrentThread() - allocated;
        Assert.True(used < AllocationLimit + bytes.Length, $"reading {bytes.Length} bytes allocated {used} bytes");
        Assert.Equal(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        return outcome;
    }

    [Fact]
    public void Read_TruncatedBitFlippedAndOversizedFiles_ClearErrorNoLeakNoHugeAllocation()
    {
        using var dir = new TemporaryDirectory();
        var valid = Valid(dir);
        var headerEnd = 8 + (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        var random = new Random(20261130);
        var outcomes = new Dictionary<string, int>();
        void Count(string kind, string outcome) => outcomes[$"{kind}:{outcome}"] = outcomes.GetValueOrDefault($"{kind}:{outcome}") + 1;

        for (var trial = 0; trial < 100; trial++)
        {
            Count("truncated", Outcome(dir, valid[..random.Next(valid.Length)]));
            var flipped = (byte[])valid.Clone();
            flipped[random.Next(headerEnd)] ^= (byte)(1 << random.Next(8));
            Count("bit-flipped header", Outcome(dir, flipped));
            var prefix = (byte[])valid.Clone();
            BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)random.NextInt64(headerEnd, long.MaxValue));
            Count("oversized header length", Outcome(dir, prefix));
        }
        // Shapes far beyond the file: would allocate terabytes, or overflow the byte count.
        foreach (var shape in new[] { "[1099511627776]", "[4611686018427387904,4]", "[-1]", "[65536,65536,65536]" })
        {
            Count("oversized shape", Outcome(dir, WithHeader($$$"""{"a":{"dtype":"F32","shape":{{{shape}}},"data_offsets":[0,16]}}""", 16)));
        }

        output.WriteLine(string.Join(", ", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));
        Assert.Equal(100, outcomes["truncated:error"]);
        Assert.Equal(100, outcomes["oversized header length:error"]);
        Assert.Equal(4, outcomes["oversized shape:error"]);
        Assert.Equal(100, outcomes.GetValueOrDefault("bit-flipped header:error") + outcomes.GetValueOrDefault("bit-flipped header:ok"));
    }

    [Fact]
    public void Read_LaterTensorBad_DisposesTheTensorsAlreadyRead()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var bytes = WithHeader("""{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[3],"data_offsets":[8,16]}}""", 16);

        Assert.Equal("error", Outcome(dir, bytes)); // Outcome asserts that no tensor stays alive
    }
}
