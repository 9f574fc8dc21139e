using Distill.Cache;
using Distill.CacheTeacher;
using Distill.Models;
using Distill.Tasks;
using Distill.Teachers;
using Distill.Tests.Support;

namespace Distill.Tests.CacheTeacher;

/// <summary>cache-teacher run/merge/verify through real command lines, on a tiny trained-head model.</summary>
public sealed class RunCommandTests
{
    internal static string TeacherDir(TemporaryDirectory dir)
    {
        var encoderDir = TinyTask.Write(dir.Path, trainCount: 50);
        var (model, labels) = TaskModelDirectory.Load(encoderDir, TaskKind.Classification, ["neg", "pos"]);
        using (model) TaskModelDirectory.Save(dir.File("teacher"), model, labels, dir.File("vocab.txt"));
        return dir.File("teacher");
    }

    private static CliRun Run(params string[] args) => CliRun.Invoke(CacheTeacherCli.Create(), args);

    private static string[] RunArgs(TemporaryDirectory dir, string output, params string[] extra) =>
        ["run", "--model", dir.File("teacher"), "--task", "classification", "--data", dir.File("train.jsonl"), "--out", output,
         "--hidden-layers", "0,2", "--attention-layers", "1", "--pooled", "--rows-per-shard", "16", "--batch-size", "5", "--max-seq-length", "32", ..extra];

    [Fact]
    public async Task Run_TinyTeacher_ValuesEqualAFreshForwardWithinFp16()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);

        var run = Run(RunArgs(dir, dir.File("cache")));

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var rows = new List<CacheWriteRow>();
        await using var reader = CacheReader.Open(dir.File("cache"));
        await foreach (var row in reader.ReadAllAsync()) rows.Add(row.ToCacheRow());
        Assert.Equal(50, rows.Count);
        Assert.Equal(4, reader.Manifest.Shards.Count); // 50 rows / 16 per shard

        var (model, labels) = TaskModelDirectory.Load(dir.File("teacher"), TaskKind.Classification);
        var tokenizer = ModelDirectory.LoadTokenizer(dir.File("teacher"), model.Config);
        var data = TaskDataLoader.Load(TaskKind.Classification, dir.File("train.jsonl"), tokenizer, labels, new TaskDataSettings(128, new Distill.Data.DataReadOptions()));
        using var teacher = new TorchTeacher(model, 2, tokenizer.PadId);
        var byId = rows.ToDictionary(r => r.FeatureId);
        foreach (var batch in data.Features.Chunk(7))
        {
            var fresh = teacher.Run(batch, new TeacherRequest([0, 2], [1], Pooled: true));
            for (var i = 0; i < batch.Length; i++)
            {
                var cached = byId[batch[i].FeatureId];
                Assert.Equal(batch[i].Text.Ids, cached.InputIds);
                AssertClose(fresh[i].Logits, cached.Logits, relative: 0); // logits stay float32
                AssertFp16(fresh[i].Hidden[1], cached.Hidden[1]);
                AssertFp16(fresh[i].Attentions[0], cached.Attentions[0]);
                AssertFp16(fresh[i].Pooled!, cached.Pooled!);
            }
        }
    }

    // Batches here differ from the cache run's (other padding), which moves float32 results by ~1e-7; fp16
    // keeps 11 significant bits, so a value may round to a neighbour: half an fp16 step plus that noise.
    private static void AssertFp16(float[] expected, float[] actual) => AssertClose(expected, actual, relative: 1.0 / 1024);

    private static void AssertClose(float[] expected, float[] actual, double relative)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var tolerance = Math.Abs(expected[i]) * relative + 1e-5;
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"value {i}: expected {expected[i]}, cached {actual[i]}");
        }
    }

    [Fact]
    public void Run_TwoJobsThenMerge_SameShardsAsOneJob()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);

        Assert.Equal(0, Run(RunArgs(dir, dir.File("single"))).ExitCode);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("sharded"), "--num-shards", "2", "--shard-index", "1")).ExitCode);
        var early = Run("merge", dir.File("sharded"));
        Assert.Equal(0, Run(RunArgs(dir, dir.File("sharded"), "--num-shards", "2", "--shard-index", "0")).ExitCode);
        var merge = Run("merge", dir.File("sharded"));
        var verify = Run("verify", dir.File("sharded"), "--data", dir.File("train.jsonl"), "--model", dir.File("teacher"));

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, early.ExitCode);
        Assert.Contains("jobs 0 of 2 have not finished", early.Error);
        Assert.True(merge.ExitCode == 0, merge.Error);
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        var single = CacheManifest.Load(Path.Combine(dir.File("single"), "manifest.json"));
        var merged = CacheManifest.Load(Path.Combine(dir.File("sharded"), "manifest.json"));
        Assert.Equal(single.Shards.Select(s => (s.File, s.Rows, s.Sha256)), merged.Shards.Select(s => (s.File, s.Rows, s.Sha256)));
    }

    [Fact]
    public void Run_InterruptedThenRerun_SameCacheAsUninterrupted()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("whole"))).ExitCode);

        // A crash mid-run leaves recorded shards, a shard renamed but not recorded, and a temporary file.
        Assert.Equal(0, Run(RunArgs(dir, dir.File("crashed"))).ExitCode);
        var crashed = dir.File("crashed");
        var manifest = CacheManifest.Load(Path.Combine(crashed, "manifest.json"));
        (manifest with { Shards = manifest.Shards.Take(2).ToList() }).Save(Path.Combine(crashed, ".progress-00000-of-00001.json"));
        File.Delete(Path.Combine(crashed, "manifest.json"));
        File.Delete(Path.Combine(crashed, "part-00003.parquet"));
        File.WriteAllText(Path.Combine(crashed, ".part-00003.parquet.tmp"), "half a shard");
        var rerun = Run(RunArgs(dir, crashed));

        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Error);
        Assert.Contains("2 complete shards kept", rerun.Output);
        var whole = CacheManifest.Load(Path.Combine(dir.File("whole"), "manifest.json"));
        var resumed = CacheManifest.Load(Path.Combine(crashed, "manifest.json"));
        Assert.Equal(whole.Shards.Select(s => s.Sha256), resumed.Shards.Select(s => s.Sha256));
        Assert.False(File.Exists(Path.Combine(crashed, ".progress-00000-of-00001.json")));
    }

    [Fact]
    public void Run_FinishedCacheRerun_KeepsEveryShard()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("cache"))).ExitCode);
        var before = CacheManifest.Load(Path.Combine(dir.File("cache"), "manifest.json"));

        var rerun = Run(RunArgs(dir, dir.File("cache")));

        Assert.Contains("0 shards written", rerun.Output);
        Assert.Contains("4 kept", rerun.Output);
        Assert.Equal(before.Shards, CacheManifest.Load(Path.Combine(dir.File("cache"), "manifest.json")).Shards);
    }

    [Fact]
    public void Run_AnotherRunHoldsTheJob_RefusesInsteadOfInterleaving()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);
        Directory.CreateDirectory(dir.File("cache"));
        using var held = new FileStream(Path.Combine(dir.File("cache"), ".lock-00000-of-00001"), FileMode.Create, FileAccess.ReadWrite, FileShare.None);

        var run = Run(RunArgs(dir, dir.File("cache")));

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("another cache-teacher run is writing job 0 of 1", run.Error);
    }

    [Fact]
    public void Verify_FlippedByte_NamesTheShardAndFails()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("cache"))).ExitCode);
        var shard = Path.Combine(dir.File("cache"), "part-00001.parquet");
        var bytes = File.ReadAllBytes(shard);
        bytes[bytes.Length / 2] ^= 0x40;
        File.WriteAllBytes(shard, bytes);

        var verify = Run("verify", dir.File("cache"));

        Assert.Equal(Distill.Cli.ExitCodes.CheckFailed, verify.ExitCode);
        Assert.Contains("part-00001.parquet", verify.Error);
        Assert.DoesNotContain("part-00000.parquet", verify.Error);
    }

    [Fact]
    public void Run_OutputHoldsOtherSpec_Refuses()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("cache"))).ExitCode);
        var manifest = CacheManifest.Load(Path.Combine(dir.File("cache"), "manifest.json"));
        manifest.Save(Path.Combine(dir.File("cache"), ".progress-00000-of-00001.json"));

        var run = Run(RunArgs(dir, dir.File("cache"), "--dtype", "fp32"));

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("holds a cache of another teacher, data set or spec", run.Error);
    }

    [Fact]
    public void Run_LayerBeyondTheTeacher_SaysHowManyLayersThereAre()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);

        var run = Run("run", "--model", dir.File("teacher"), "--task", "classification", "--data", dir.File("train.jsonl"),
            "--out", dir.File("cache"), "--hidden-layers", "0,3", "--max-seq-length", "32");

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("the teacher has 2 layers", run.Error);
    }

    /// <summary>A finished cache turned back into the state a run killed after <paramref name="recorded"/> shards leaves.</summary>
    private static string Interrupt(TemporaryDirectory dir, string cache, int recorded)
    {
        var manifest = CacheManifest.Load(Path.Combine(cache, "manifest.json"));
        var progress = Path.Combine(cache, ".progress-00000-of-00001.json");
        (manifest with { Shards = manifest.Shards.Take(recorded).ToList() }).Save(progress);
        File.Delete(Path.Combine(cache, "manifest.json"));
        return progress;
    }

    [Fact]
    public void Run_ResumeWithOtherRowsPerShard_RefusesNamingBothSizes()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("cache"))).ExitCode);
        Interrupt(dir, dir.File("cache"), recorded: 2);

        var run = Run([.. RunArgs(dir, dir.File("cache")).Where(a => a != "16").Select(a => a == "--rows-per-shard" ? "--rows-per-shard=20" : a)]);

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("holds shards of 16 rows", run.Error);
        Assert.Contains("this run cuts 20", run.Error);
    }

    [Fact]
    public void Run_RecordedShardChangedInPlace_IsRedoneAndLeftoversRemoved()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("cache"))).ExitCode);
        var whole = CacheManifest.Load(Path.Combine(dir.File("cache"), "manifest.json"));
        var cache = dir.File("cache");
        Interrupt(dir, cache, recorded: 3);
        Distill.Tests.Cache.CacheFixtures.FlipMiddleByte(Path.Combine(cache, "part-00001.parquet")); // same size, other bytes
        File.WriteAllText(Path.Combine(cache, ".part-00003.parquet.4242-0123abcd.tmp"), "half a shard");
        File.WriteAllText(Path.Combine(cache, ".progress-00000-of-00001.json.tmp-4242"), "{");
        File.WriteAllText(Path.Combine(cache, ".part-00003.parquet.tmp-other-job"), "not ours to judge");

        var rerun = Run(RunArgs(dir, cache));

        Assert.True(rerun.ExitCode == 0, rerun.Output + rerun.Error);
        Assert.Contains("2 complete shards kept, 1 missing or changed since they were recorded, redone: part-00001.parquet", rerun.Output);
        Assert.Contains("removed 4 files left by an interrupted run", rerun.Output);
        Assert.Equal(whole.Shards.Select(s => s.Sha256), CacheManifest.Load(Path.Combine(cache, "manifest.json")).Shards.Select(s => s.Sha256));
        Assert.Equal([".lock-00000-of-00001", ".part-00003.parquet.tmp-other-job", "manifest.json", "part-00000.parquet", "part-00001.parquet", "part-00002.parquet", "part-00003.parquet"],
            Directory.GetFiles(cache).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Verify_BadManifest_ExitsOneListingEachProblem()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("cache"))).ExitCode);
        var path = Path.Combine(dir.File("cache"), "manifest.json");
        File.WriteAllText(path, File.ReadAllText(path).Replace("\"part-00001.parquet\"", "\"../part-00001.parquet\"").Replace("\"rows\": 16", "\"rows\": -1"));

        var verify = Run("verify", dir.File("cache"));

        Assert.Equal(Distill.Cli.ExitCodes.CheckFailed, verify.ExitCode);
        Assert.Contains("shards[1] (file \"../part-00001.parquet\"): file name contains \"..\"", verify.Error);
        Assert.Contains("rows and bytes must not be negative, found -1", verify.Error);
        Assert.DoesNotContain("   at ", verify.Error);
    }

    [Fact]
    public void Verify_DataMovedOrRenamed_IdentityFollowsTheName()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TeacherDir(dir);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("cache"))).ExitCode);
        Directory.CreateDirectory(dir.File("moved"));
        File.Copy(dir.File("train.jsonl"), dir.File("moved", "train.jsonl"));
        File.Copy(dir.File("train.jsonl"), dir.File("renamed.jsonl"));

        var moved = Run("verify", dir.File("cache"), "--data", dir.File("moved", "train.jsonl"));
        var renamed = Run("verify", dir.File("cache"), "--data", dir.File("renamed.jsonl"));

        Assert.True(moved.ExitCode == 0, moved.Error);
        Assert.Equal(Distill.Cli.ExitCodes.CheckFailed, renamed.ExitCode);
        Assert.Contains("is not the data this cache was made from", renamed.Error);
    }
}
