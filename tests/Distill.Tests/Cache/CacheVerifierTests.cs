using Distill.Cache;
using Distill.Tests.Support;

namespace Distill.Tests.Cache;

public sealed class CacheVerifierTests
{
    private static async Task<TemporaryDirectory> CacheAsync()
    {
        var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        await CacheFixtures.WriteCacheAsync(dir.Path, spec, CacheFixtures.Rows(spec, 12), rowsPerShard: 4);
        return dir;
    }

    [Fact]
    public async Task Verify_SoundCache_FindsNothing()
    {
        using var dir = await CacheAsync();

        Assert.Empty(CacheVerifier.Verify(dir.Path));
    }

    [Fact]
    public async Task Verify_FlippedByte_NamesTheShardAndTheChecksum()
    {
        using var dir = await CacheAsync();
        CacheFixtures.FlipMiddleByte(dir.File("part-00001.parquet"));

        var problem = Assert.Single(CacheVerifier.Verify(dir.Path));

        Assert.StartsWith("part-00001.parquet: SHA-256 is ", problem);
        Assert.Contains("the manifest says", problem);
    }

    [Fact]
    public async Task Verify_TruncatedShard_NamesSizeChecksumAndParquet()
    {
        using var dir = await CacheAsync();
        var path = dir.File("part-00002.parquet");
        long length = new FileInfo(path).Length;
        using (var stream = File.OpenWrite(path))
        {
            stream.SetLength(length - 100);
        }

        var problem = Assert.Single(CacheVerifier.Verify(dir.Path));

        Assert.StartsWith($"part-00002.parquet: size is {length - 100} bytes, the manifest says {length}", problem);
        Assert.Contains("SHA-256 is", problem);
        Assert.Contains("does not open as Parquet", problem);
    }

    [Fact]
    public async Task Verify_MissingShard_SaysSo()
    {
        using var dir = await CacheAsync();
        File.Delete(dir.File("part-00000.parquet"));

        Assert.Equal(["part-00000.parquet: file is missing"], CacheVerifier.Verify(dir.Path));
    }

    [Fact]
    public async Task Verify_RowCountInManifestDiffers_NamesBothCounts()
    {
        using var dir = await CacheAsync();
        var path = dir.File(CacheManifest.FileName);
        var manifest = CacheManifest.Load(path);
        manifest = manifest with { Shards = [manifest.Shards[0], manifest.Shards[1] with { Rows = 5 }, manifest.Shards[2]] };
        manifest.Save(path);

        Assert.Equal(["part-00001.parquet: holds 4 rows, the manifest says 5"], CacheVerifier.Verify(dir.Path));
    }

    [Fact]
    public async Task Verify_ShardNotInManifest_Reported()
    {
        using var dir = await CacheAsync();
        File.Copy(dir.File("part-00000.parquet"), dir.File("part-00009.parquet"));

        Assert.Equal(["part-00009.parquet: present in the directory but not listed in manifest.json"], CacheVerifier.Verify(dir.Path));
    }

    [Fact]
    public async Task Verify_ShardOfAnotherSpec_NamesTheColumns()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        var other = spec with { HiddenLayers = [0, 3] };
        var info = await CacheFixtures.WriteShardAsync(dir.Path, "part-00000.parquet", other, CacheFixtures.Rows(other, 2));
        CacheFixtures.Manifest(spec, [CacheShardEntry.From(info, 0)]).Save(dir.File(CacheManifest.FileName));

        var problem = Assert.Single(CacheVerifier.Verify(dir.Path));

        Assert.Contains("part-00000.parquet: column hidden_L2 (binary) is missing", problem);
        Assert.Contains("column hidden_L3 is not in the spec", problem);
        Assert.Contains("metadata distill.cache.spec is", problem);
    }

    [Fact]
    public void Verify_NoManifest_ReportsIt()
    {
        using var dir = new TemporaryDirectory();

        var problem = Assert.Single(CacheVerifier.Verify(dir.Path));

        Assert.Contains("manifest.json: not found", problem);
    }

    [Fact]
    public async Task Verify_SameFeaturesInTwoShards_NamesTheRepeatedIds()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        // Shards cut with two sizes: part-00001 of 3 rows repeats features 3..5 of part-00000's 6.
        CacheFixtures.Manifest(spec, await CacheFixtures.WriteShardsAsync(dir.Path, spec, (0, 6), (3, 3))).Save(dir.File(CacheManifest.FileName));

        var problem = Assert.Single(CacheVerifier.Verify(dir.Path));

        Assert.Equal("features: 3 feature id(s) cached more than once: \"f3\", \"f4\", \"f5\"", problem);
    }

    [Fact]
    public async Task Verify_FewerFeaturesThanTheDataGave_SaysHowManyAreMissing()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        var manifest = await CacheFixtures.WriteCacheAsync(dir.Path, spec, CacheFixtures.Rows(spec, 8), rowsPerShard: 4);
        (manifest with { Data = manifest.Data with { Features = 10 } }).Save(dir.File(CacheManifest.FileName));

        Assert.Equal(["features: holds 8 distinct features, the data gave 10 (2 missing)"], CacheVerifier.Verify(dir.Path));
    }
}
