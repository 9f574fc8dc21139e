using System.Buffers.Binary;
using System.Security.Cryptography;
using Distill.Cache;
using Distill.Tests.Support;
using Xunit.Abstractions;

namespace Distill.Tests.Cache;

/// <summary>
/// Hostile shards whose manifest entry was rewritten to match (so the checksum passes and the parser meets the
/// damage): a clear <see cref="CacheFormatException"/> or a whole read, never another exception or a huge allocation.
/// </summary>
public sealed class CacheReaderFuzzTests(ITestOutputHelper output)
{
    private const long AllocationLimit = 64L << 20;
    private const int Trials = 100;

    private static async Task<string> OutcomeAsync(TemporaryDirectory dir, CacheManifest manifest, byte[] shard)
    {
        var path = dir.File(manifest.Shards[0].File);
        File.WriteAllBytes(path, shard);
        (manifest with { Shards = [manifest.Shards[0] with { Bytes = shard.Length, Sha256 = Convert.ToHexStringLower(SHA256.HashData(shard)) }] })
            .Save(dir.File(CacheManifest.FileName));
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        string outcome;
        try
        {
            await CacheFixtures.ReadCachedAsync(dir.Path).WaitAsync(TimeSpan.FromSeconds(20));
            outcome = "ok";
        }
        catch (CacheFormatException)
        {
            outcome = "error";
        }
        catch (TimeoutException)
        {
            outcome = "hang";
        }
        var used = GC.GetTotalAllocatedBytes(precise: true) - allocated;
        Assert.True(used < AllocationLimit, $"reading a {shard.Length}-byte shard allocated {used} bytes");
        return outcome;
    }

    [Fact]
    public async Task Read_TruncatedBitFlippedAndOversizedShards_ClearErrorNoHugeAllocation()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        var manifest = await CacheFixtures.WriteCacheAsync(dir.Path, spec, CacheFixtures.Rows(spec, 12), rowsPerShard: 12);
        var valid = File.ReadAllBytes(dir.File("part-00000.parquet"));
        var random = new Random(20261130);
        var outcomes = new Dictionary<string, int>();
        async Task Count(string kind, byte[] bytes)
        {
            var key = $"{kind}:{await OutcomeAsync(dir, manifest, bytes)}";
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }

        for (var trial = 0; trial < Trials; trial++)
        {
            await Count("truncated", valid[..random.Next(1, valid.Length)]);
            var flipped = (byte[])valid.Clone();
            flipped[random.Next(valid.Length)] ^= (byte)(1 << random.Next(8));
            await Count("bit-flipped", flipped);
            var footer = (byte[])valid.Clone();
            BinaryPrimitives.WriteInt32LittleEndian(footer.AsSpan(footer.Length - 8), random.Next(valid.Length, int.MaxValue));
            await Count("oversized footer length", footer);
        }
        output.WriteLine(string.Join(", ", outcomes.OrderBy(kv => kv.Key).Select(kv => $"{kv.Key} {kv.Value}")));

        Assert.Equal(Trials, outcomes["truncated:error"]);
        Assert.Equal(Trials, outcomes["oversized footer length:error"]);
        Assert.Equal(Trials, outcomes.GetValueOrDefault("bit-flipped:error") + outcomes.GetValueOrDefault("bit-flipped:ok"));
    }
}
