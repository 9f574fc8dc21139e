using System.Text.Json;
using Distill.CacheTeacher;
using Distill.Cache;
using Distill.DistillStudent;
using Distill.Tests.Support;

namespace Distill.Tests.Distillers;

/// <summary>MiniLM relation matches (query/key/value relations) end to end on the tiny set-up, from a cache and from an online teacher.</summary>
public sealed class RelationDistillTests : IClassFixture<TinyDistillationFixture>
{
    // MiniLMv2: the teacher's last layer (1) against the 1-layer student's, 2 relation heads; the logits' KD left out so
    // the relations alone move the student.
    private const string Config = """
        {"temperature": 1, "kd_loss_type": "ce", "kd_loss_weight": 0, "hard_label_weight": 0,
         "intermediate_matches": [
           {"layer_T": 1, "layer_S": 0, "feature": "query", "loss": "relation_kl", "relation_heads": 2},
           {"layer_T": 1, "layer_S": 0, "feature": "key", "loss": "relation_kl", "relation_heads": 2},
           {"layer_T": 1, "layer_S": 0, "feature": "value", "loss": "relation_kl", "relation_heads": 2}]}
        """;

    private readonly TemporaryDirectory dir;

    public RelationDistillTests(TinyDistillationFixture setup) => dir = setup.Dir;

    private static CliRun Distill(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    private string[] Args(string output, params string[] teacher) =>
        ["distill", "--student", dir.File("student"), .. teacher, "--distill-config", dir.File("relations.json"), "--task", "classification",
         "--train", dir.File("train.jsonl"), "--dev", dir.File("dev.jsonl"), "--out", output, "--batch-size", "8", "--lr", "5e-3",
         "--max-seq-length", "16", "--seed", "9", "--epochs", "4"];

    /// <summary>The sum of the three relation losses on the first and on the last train line of metrics.jsonl.</summary>
    private static (double First, double Last) Relations(string output)
    {
        var sums = File.ReadLines(Path.Combine(output, "metrics.jsonl"))
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.GetProperty("split").GetString() == "train" && e.TryGetProperty("value_relation_kl_2", out _))
            .Select(e => e.GetProperty("query_relation_kl_0").GetDouble() + e.GetProperty("key_relation_kl_1").GetDouble() + e.GetProperty("value_relation_kl_2").GetDouble())
            .ToList();
        Assert.True(sums.Count >= 2, $"{output}/metrics.jsonl has {sums.Count} train lines with the relation losses");
        return (sums[0], sums[^1]);
    }

    [Fact]
    public void Distill_FromCacheWithRelationLayers_RelationLossesFall()
    {
        File.WriteAllText(dir.File("relations.json"), Config);
        var cache = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--model", dir.File("teacher-run", "best"), "--task", "classification",
            "--data", dir.File("train.jsonl"), "--out", dir.File("relation-cache"), "--config", dir.File("relations.json"), "--dtype", "fp32", "--max-seq-length", "16");
        Assert.True(cache.ExitCode == 0, cache.Output + cache.Error);
        Assert.Equal([1], CacheManifest.Load(dir.File("relation-cache", CacheManifest.FileName)).Spec.ProjectionLayers!);

        var output = dir.File("relations-cached");
        var run = Distill(Args(output, "--cache", dir.File("relation-cache")));

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var (first, last) = Relations(output);
        Assert.True(last < first * 0.8, $"relation losses: first {first}, last {last}");
    }

    [Fact]
    public void Distill_OnlineTeacher_RelationLossesFallFromWhereTheCachedRunsStart()
    {
        // The online teacher computes its projections on demand after its no_grad forward; a cache holds them in fp32.
        // The two feeds shuffle differently, so the first logged losses agree closely but not exactly.
        File.WriteAllText(dir.File("relations.json"), Config);
        var cache = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--model", dir.File("teacher-run", "best"), "--task", "classification",
            "--data", dir.File("train.jsonl"), "--out", dir.File("relation-cache-2"), "--relation-layers", "1", "--dtype", "fp32", "--max-seq-length", "16");
        Assert.True(cache.ExitCode == 0, cache.Output + cache.Error);

        var online = Distill(Args(dir.File("relations-online"), "--teacher", dir.File("teacher-run", "best")));
        var cached = Distill(Args(dir.File("relations-cached-2"), "--cache", dir.File("relation-cache-2")));

        Assert.True(online.ExitCode == 0, online.Output + online.Error);
        Assert.True(cached.ExitCode == 0, cached.Output + cached.Error);
        var (online0, onlineLast) = Relations(dir.File("relations-online"));
        var (cached0, _) = Relations(dir.File("relations-cached-2"));
        Assert.True(Math.Abs(online0 - cached0) < 0.02 * cached0, $"first relation losses: online {online0}, cached {cached0}");
        Assert.True(onlineLast < online0 * 0.8, $"online relation losses: first {online0}, last {onlineLast}");
    }

    [Fact]
    public void Distill_CacheWithoutRelationLayers_Exits3NamingThem()
    {
        File.WriteAllText(dir.File("relations.json"), Config);

        var run = Distill(Args(dir.File("relations-missing"), "--cache", dir.File("cache")));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("teacher projection layers [1]", run.Error);
    }
}
