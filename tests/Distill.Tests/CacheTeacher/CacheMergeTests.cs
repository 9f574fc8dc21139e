using Distill.Cache;
using Distill.CacheTeacher.Caching;
using Distill.Tests.Cache;
using Distill.Tests.Support;

namespace Distill.Tests.CacheTeacher;

/// <summary>merge on job manifests written here: what it refuses and how it says so.</summary>
public sealed class CacheMergeTests
{
    private const string Sha = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static void Job(TemporaryDirectory dir, CacheSpec spec, int job, int jobs, string[] shards, string teacher = "", long? features = null)
    {
        var manifest = CacheFixtures.Manifest(spec, shards.Select(f => new CacheShardEntry(f, 4, 100, Sha, job)).ToArray()) with { NumShards = jobs, ShardIndex = job };
        manifest = manifest with
        {
            Teacher = teacher.Length > 0 ? manifest.Teacher with { Identity = teacher } : manifest.Teacher,
            Data = manifest.Data with { Features = features },
        };
        manifest.Save(dir.File($"manifest-{job:D5}-of-{jobs:D5}.json"));
    }

    [Fact]
    public void Execute_ShardNumbersBeyondFiveDigits_CountsTheGap()
    {
        using var dir = new TemporaryDirectory();
        Job(dir, CacheFixtures.Tagging(), 0, 1, ["part-00000.parquet", "part-100001.parquet"]);

        var error = Assert.Throws<CacheFormatException>(() => CacheMerge.Execute(dir.Path));

        Assert.Contains("100000 missing shard(s): part-00001.parquet, part-00002.parquet", error.Message);
    }

    [Fact]
    public void Execute_LastShardsTheDataNeedsAbsent_NamesThem()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging() with { RowsPerShard = 4 };
        // 14 features in shards of 4 need part-00000 to part-00003; no gap among those listed shows it.
        Job(dir, spec, 0, 2, ["part-00000.parquet", "part-00002.parquet"], features: 14);
        Job(dir, spec, 1, 2, ["part-00001.parquet"], features: 14);

        var error = Assert.Throws<CacheFormatException>(() => CacheMerge.Execute(dir.Path));

        Assert.Contains("1 missing shard(s): part-00003.parquet", error.Message);
    }

    [Fact]
    public void Execute_ShortTeacherIdentity_ReportedNotThrown()
    {
        using var dir = new TemporaryDirectory();
        Job(dir, CacheFixtures.Tagging(), 0, 2, ["part-00000.parquet"]);
        Job(dir, CacheFixtures.Tagging(), 1, 2, ["part-00001.parquet"], teacher: "abc");

        var error = Assert.Throws<CacheFormatException>(() => CacheMerge.Execute(dir.Path));

        Assert.Contains("manifest-00001-of-00002.json: another teacher (identity abc, not aaaaaaaaaaaa…)", error.Message);
    }

    [Fact]
    public async Task Execute_JobsCachedTheSameFeatures_RefusesNamingThem()
    {
        using var dir = new TemporaryDirectory();
        var spec = CacheFixtures.Tagging();
        var shards = await CacheFixtures.WriteShardsAsync(dir.Path, spec, (0, 4), (2, 4));
        (CacheFixtures.Manifest(spec, [shards[0]]) with { NumShards = 2, ShardIndex = 0 }).Save(dir.File("manifest-00000-of-00002.json"));
        (CacheFixtures.Manifest(spec, [shards[1] with { ShardIndex = 1 }]) with { NumShards = 2, ShardIndex = 1 }).Save(dir.File("manifest-00001-of-00002.json"));

        var error = Assert.Throws<CacheFormatException>(() => CacheMerge.Execute(dir.Path));

        Assert.Contains("2 feature id(s) cached more than once: \"f2\", \"f3\"", error.Message);
        Assert.False(File.Exists(dir.File(CacheManifest.FileName)));
    }
}
