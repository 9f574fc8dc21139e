using Distill.Cache;
using Distill.CacheTeacher;
using Distill.Tests.Support;

namespace Distill.Tests.CacheTeacher;

/// <summary><c>cache-teacher run --bf16</c>: the teacher's forward in bf16 mixed precision, against the float32 teacher's cache.</summary>
public sealed class Bf16TeacherCacheTests
{
    private static CliRun Run(params string[] args) => CliRun.Invoke(CacheTeacherCli.Create(), args);

    // fp32 storage, so that the two caches differ only by the teacher's arithmetic, not by fp16 rounding on top.
    private static string[] RunArgs(TemporaryDirectory dir, string output, params string[] extra) =>
        ["run", "--model", dir.File("teacher"), "--task", "classification", "--data", dir.File("train.jsonl"), "--out", output,
         "--hidden-layers", "0,1,2", "--dtype", "fp32", "--rows-per-shard", "16", "--batch-size", "8", "--max-seq-length", "32", ..extra];

    private static async Task<Dictionary<string, CacheWriteRow>> ReadAsync(string cache)
    {
        var rows = new Dictionary<string, CacheWriteRow>();
        await using var reader = CacheReader.Open(cache);
        await foreach (var row in reader.ReadAllAsync()) rows[row.FeatureId] = row.ToCacheRow();
        return rows;
    }

    /// <summary>
    /// bf16 keeps 8 significant bits: rounding moves a value by at most u = 2^-8 of it. A value of layer n has gone
    /// through 7n roundings in bf16 (per layer: the query/key/value input, the attention scores, probabilities and
    /// context, the feed-forward input, its activation; the attention output's and the feed-forward's inputs are
    /// among those), each adding at most u relative to the row's scale to first order (LayerNorm keeps the scale of
    /// every layer's output at its weights'). So each value lies within 7n · u · max|row| of float32's: a bound
    /// computed from the precision and the number of roundings, not fitted to the model.
    /// </summary>
    internal static double Bound(int layer, float[] reference) => 7 * layer * Math.Pow(2, -8) * reference.Max(Math.Abs);

    [Fact]
    public async Task Run_Bf16Teacher_EmbeddingsExactDeeperLayersWithinBf16RoundingOfFloat32()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        RunCommandTests.TeacherDir(dir);

        var fp32 = Run(RunArgs(dir, dir.File("fp32")));
        var bf16 = Run(RunArgs(dir, dir.File("bf16"), "--bf16"));

        Assert.True(fp32.ExitCode == 0, fp32.Output + fp32.Error);
        Assert.True(bf16.ExitCode == 0, bf16.Output + bf16.Error);
        Assert.Null(CacheManifest.Load(Path.Combine(dir.File("fp32"), "manifest.json")).Spec.TeacherBf16);
        Assert.True(CacheManifest.Load(Path.Combine(dir.File("bf16"), "manifest.json")).Spec.TeacherBf16);
        var reference = await ReadAsync(dir.File("fp32"));
        var mixed = await ReadAsync(dir.File("bf16"));
        Assert.Equal(reference.Keys.Order(), mixed.Keys.Order());
        var worst = new double[3];
        foreach (var (id, row) in reference)
        {
            // Layer 0 is the embeddings' output: no product before it, so bf16 changes nothing there.
            Assert.Equal(row.Hidden[0], mixed[id].Hidden[0]);
            for (var layer = 1; layer <= 2; layer++)
            {
                var bound = Bound(layer, row.Hidden[layer]);
                var error = row.Hidden[layer].Zip(mixed[id].Hidden[layer], (a, b) => Math.Abs(a - b)).Max();
                Assert.True(error <= bound, $"{id} layer {layer}: bf16 teacher {error} from float32's, bound {bound}");
                worst[layer] = Math.Max(worst[layer], error / bound);
            }
        }
        // The forward did run in bf16 (float32 would give 0), and the bound is a worst case but not slack by orders of
        // magnitude: the largest error seen here is 1/15 of it (0.5–0.9 u of the row's largest value).
        Assert.InRange(worst[1], 0.03, 1);
        Assert.InRange(worst[2], 0.03, 1);
    }

    [Fact]
    public void Run_Bf16AfterFloat32IntoOneCache_RefusedAsAnotherSpec()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        RunCommandTests.TeacherDir(dir);
        Assert.Equal(0, Run(RunArgs(dir, dir.File("cache"))).ExitCode);

        var mixed = Run(RunArgs(dir, dir.File("cache"), "--bf16"));

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, mixed.ExitCode);
        Assert.Contains("another teacher, data set or spec", mixed.Error);
    }

    [Fact]
    public void Run_Bf16WithOnnxTeacher_RefusedBeforeReadingIt()
    {
        using var dir = new TemporaryDirectory();

        var run = Run("run", "--onnx", dir.File("absent.onnx"), "--onnx-output", "logits=logits", "--task", "classification", "--data", dir.File("train.jsonl"),
            "--out", dir.File("cache"), "--bf16");

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("--bf16 runs a TorchSharp teacher", run.Error);
        Assert.False(Directory.Exists(dir.File("cache")));
    }
}
