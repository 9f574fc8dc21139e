using Distill.Cache;
using Distill.CacheTeacher;
using Distill.Models;
using Distill.Tests.Support;
using Onnx;

namespace Distill.Tests.CacheTeacher;

/// <summary>cache-teacher with an ONNX teacher: a small hand-built graph whose outputs are computed here by hand.</summary>
public sealed class OnnxTeacherCacheTests
{
    internal const int Vocab = 50, Hidden = 16;

    /// <summary>hidden = E[input_ids]; logits = mean over tokens of hidden · W, W of <paramref name="labels"/> columns.</summary>
    internal static void WriteGraph(string path, float[] embeddings, float[] weights, int labels = 2)
    {
        var graph = new GraphProto { Name = "tiny" };
        graph.Input.Add(TinyOnnx.Value("input_ids", TensorProto.Types.DataType.Int64, "batch", "seq"));
        graph.Input.Add(TinyOnnx.Value("attention_mask", TensorProto.Types.DataType.Int64, "batch", "seq"));
        graph.Initializer.Add(TinyOnnx.Floats("E", [Vocab, Hidden], embeddings));
        graph.Initializer.Add(TinyOnnx.Floats("W", [Hidden, labels], weights));
        graph.Node.Add(new NodeProto { OpType = "Gather", Input = { "E", "input_ids" }, Output = { "hidden" } });
        var mean = new NodeProto { OpType = "ReduceMean", Input = { "hidden" }, Output = { "mean" } };
        mean.Attribute.Add(new AttributeProto { Name = "axes", Type = AttributeProto.Types.AttributeType.Ints, Ints = { 1 } });
        mean.Attribute.Add(new AttributeProto { Name = "keepdims", Type = AttributeProto.Types.AttributeType.Int, I = 0 });
        graph.Node.Add(mean);
        graph.Node.Add(new NodeProto { OpType = "MatMul", Input = { "mean", "W" }, Output = { "logits" } });
        graph.Output.Add(TinyOnnx.Value("logits", TensorProto.Types.DataType.Float, "batch", labels));
        graph.Output.Add(TinyOnnx.Value("hidden", TensorProto.Types.DataType.Float, "batch", "seq", "16"));
        TinyOnnx.Save(path, graph);
    }

    [Fact]
    public async Task Run_OnnxTeacher_CachesMappedOutputsExactly()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TinyTask.Write(dir.Path, trainCount: 10);
        var random = new Random(3);
        var embeddings = Enumerable.Range(0, Vocab * Hidden).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        var weights = Enumerable.Range(0, Hidden * 2).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        Directory.CreateDirectory(dir.File("onnx"));
        WriteGraph(dir.File("onnx/model.onnx"), embeddings, weights);
        (TinyBert.Config() with { Id2Label = new Dictionary<string, string> { ["0"] = "neg", ["1"] = "pos" } }).Save(dir.File("onnx/config.json"));
        File.Copy(dir.File("vocab.txt"), dir.File("onnx/vocab.txt"));

        var run = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--onnx", dir.File("onnx/model.onnx"), "--onnx-output", "logits=logits",
            "--onnx-output", "hidden.0=hidden", "--task", "classification", "--data", dir.File("train.jsonl"), "--out", dir.File("cache"),
            "--hidden-layers", "0", "--dtype", "fp32", "--batch-size", "1", "--max-seq-length", "32");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var verify = CliRun.Invoke(CacheTeacherCli.Create(), "verify", dir.File("cache"), "--model", dir.File("onnx/model.onnx"), "--data", dir.File("train.jsonl"));
        Assert.True(verify.ExitCode == 0, verify.Output + verify.Error);
        await using var reader = CacheReader.Open(dir.File("cache"));
        var rows = new List<CacheWriteRow>();
        await foreach (var row in reader.ReadAllAsync()) rows.Add(row.ToCacheRow());
        Assert.Equal(10, rows.Count);
        foreach (var row in rows)
        {
            var mean = new double[Hidden];
            for (var t = 0; t < row.Length; t++)
            for (var h = 0; h < Hidden; h++)
            {
                Assert.Equal(embeddings[row.InputIds[t] * Hidden + h], row.Hidden[0][t * Hidden + h]);
                mean[h] += embeddings[row.InputIds[t] * Hidden + h] / row.Length;
            }
            for (var c = 0; c < 2; c++)
            {
                var expected = Enumerable.Range(0, Hidden).Sum(h => mean[h] * weights[h * 2 + c]);
                Assert.Equal(expected, row.Logits[c], 5);
            }
        }
    }

    [Fact]
    public void Run_OnnxOutputThatDoesNotExist_ListsTheGraphsOutputs()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TinyTask.Write(dir.Path, trainCount: 4);
        Directory.CreateDirectory(dir.File("onnx"));
        WriteGraph(dir.File("onnx/model.onnx"), new float[Vocab * Hidden], new float[Hidden * 2]);
        TinyBert.Config().Save(dir.File("onnx/config.json"));
        File.Copy(dir.File("vocab.txt"), dir.File("onnx/vocab.txt"));

        var run = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--onnx", dir.File("onnx/model.onnx"), "--onnx-output", "logits=scores",
            "--task", "classification", "--data", dir.File("train.jsonl"), "--out", dir.File("cache"), "--max-seq-length", "32");

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("no output scores; its outputs are: logits, hidden", run.Error);
    }

    [Fact]
    public async Task Run_LogitsMappedToAnOutputOfAnotherWidth_FailsPromptlyNamingTheShapes()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TinyTask.Write(dir.Path, trainCount: 40);
        Directory.CreateDirectory(dir.File("onnx"));
        WriteGraph(dir.File("onnx/model.onnx"), new float[Vocab * Hidden], new float[Hidden * 2]);
        (TinyBert.Config() with { Id2Label = new Dictionary<string, string> { ["0"] = "neg", ["1"] = "pos" } }).Save(dir.File("onnx/config.json"));
        File.Copy(dir.File("vocab.txt"), dir.File("onnx/vocab.txt"));

        // An encoder's hidden states taken for a classifier's logits: (batch, seq, 16), not (batch, 2).
        var running = Task.Run(() => CliRun.Invoke(CacheTeacherCli.Create(), "run", "--onnx", dir.File("onnx/model.onnx"), "--onnx-output", "logits=hidden",
            "--task", "classification", "--data", dir.File("train.jsonl"), "--out", dir.File("cache"), "--batch-size", "2", "--max-seq-length", "32"));
        var run = await running.WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("ONNX output \"hidden\" has shape [2, ", run.Error);
        Assert.Contains("classification needs (batch, 2) for 2 labels", run.Error);
        Assert.Empty(Directory.GetFiles(dir.File("cache"), "part-*"));
    }

    [Fact]
    public void Run_HiddenLayerMappedToTheLogits_FailsNamingTheShapes()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        TinyTask.Write(dir.Path, trainCount: 4);
        Directory.CreateDirectory(dir.File("onnx"));
        WriteGraph(dir.File("onnx/model.onnx"), new float[Vocab * Hidden], new float[Hidden * 2]);
        (TinyBert.Config() with { Id2Label = new Dictionary<string, string> { ["0"] = "neg", ["1"] = "pos" } }).Save(dir.File("onnx/config.json"));
        File.Copy(dir.File("vocab.txt"), dir.File("onnx/vocab.txt"));

        // The classifier's logits, (batch, 2), taken for a hidden state of (batch, seq, 16).
        var run = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--onnx", dir.File("onnx/model.onnx"), "--onnx-output", "logits=logits",
            "--onnx-output", "hidden.0=logits", "--task", "classification", "--data", dir.File("train.jsonl"), "--out", dir.File("cache"),
            "--hidden-layers", "0", "--batch-size", "2", "--max-seq-length", "32");

        Assert.Equal(Distill.Cli.ExitCodes.BadInput, run.ExitCode);
        Assert.Contains("ONNX output \"logits\" mapped to hidden.0 has shape [2, 2]; hidden states need (batch, seq, 16)", run.Error);
        Assert.Empty(Directory.GetFiles(dir.File("cache"), "part-*"));
    }
}
