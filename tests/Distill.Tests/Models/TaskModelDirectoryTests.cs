using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Models;

public sealed class TaskModelDirectoryTests
{
    private static string SaveEncoder(TemporaryDirectory dir)
    {
        using var encoder = TinyBert.Create();
        File.WriteAllText(dir.File("vocab.txt"), "[PAD]\n[UNK]\n[CLS]\n[SEP]\n");
        var path = Path.Combine(dir.Path, "encoder");
        ModelDirectory.Save(path, encoder, dir.File("vocab.txt"));
        return path;
    }

    [Theory]
    [InlineData(TaskKind.Classification, "BertForSequenceClassification", new long[] { 2, 3 })]
    [InlineData(TaskKind.Tagging, "BertForTokenClassification", new long[] { 2, 5, 3 })]
    [InlineData(TaskKind.Qa, "BertForQuestionAnswering", new long[] { 2, 5, 2 })]
    public void Load_EncoderOnly_FreshHeadOfTheRightShape(TaskKind kind, string architecture, long[] logitsShape)
    {
        using var dir = new TemporaryDirectory();
        var encoderDir = SaveEncoder(dir);
        string[] labels = ["neg", "neu", "pos"];

        var (model, loaded) = TaskModelDirectory.Load(encoderDir, kind, kind == TaskKind.Qa ? null : labels);
        using var _ = model;
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 5, 6, 7, 3, 2, 8, 9, 3, 0 }, [2, 5]);
        var logits = model.forward(ids, ones_like(ids), null).Logits;

        Assert.Equal(architecture, model.Architecture);
        Assert.Equal(logitsShape, logits.shape);
        Assert.Equal(kind == TaskKind.Qa ? [] : labels, loaded);
    }

    [Fact]
    public void LoadBert_TaskModelDirectory_LoadsTheEncoderAndLeavesTheHeadOut()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var (model, labels) = TaskModelDirectory.Load(SaveEncoder(dir), TaskKind.Classification, ["a", "b"]);
        using var _ = model;
        TaskModelDirectory.Save(dir.File("task"), model, labels, dir.File("vocab.txt"));

        using var encoder = ModelDirectory.LoadBert(dir.File("task"));

        var expected = StateDict.Of(model.Encoder);
        var loaded = StateDict.Of(encoder);
        Assert.Equal(expected.Keys.Order(), loaded.Keys.Order());
        Assert.All(expected, kv => Assert.True(kv.Value.eq(loaded[kv.Key]).all().item<bool>(), kv.Key));
    }

    [Fact]
    public void SaveLoad_TrainedHead_SameLogitsAndHuggingFaceKeys()
    {
        using var dir = new TemporaryDirectory();
        var encoderDir = SaveEncoder(dir);
        var (model, labels) = TaskModelDirectory.Load(encoderDir, TaskKind.Classification, ["a", "b"]);
        using var _ = model;
        var saved = Path.Combine(dir.Path, "trained");

        TaskModelDirectory.Save(saved, model, labels, dir.File("vocab.txt"));
        var (reloaded, reloadedLabels) = TaskModelDirectory.Load(saved, TaskKind.Classification);
        using var __ = reloaded;
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 5, 6, 3 }, [1, 4]);

        Assert.Equal(["a", "b"], reloadedLabels);
        Assert.Contains("classifier.weight", model.state_dict().Keys);
        Assert.Contains("bert.embeddings.word_embeddings.weight", model.state_dict().Keys);
        Assert.True(model.forward(ids, ones_like(ids), null).Logits.allclose(reloaded.forward(ids, ones_like(ids), null).Logits));
        var config = BertConfig.Load(Path.Combine(saved, "config.json"));
        Assert.Equal("BertForSequenceClassification", config.Architectures![0]);
        Assert.Equal("b", config.Id2Label!["1"]);
        Assert.Equal(1, config.Label2Id!["b"]);
    }

    [Fact]
    public void Load_TrainedHeadWithOtherLabels_FailsNamingBoth()
    {
        using var dir = new TemporaryDirectory();
        var (model, labels) = TaskModelDirectory.Load(SaveEncoder(dir), TaskKind.Classification, ["a", "b"]);
        using var _ = model;
        TaskModelDirectory.Save(Path.Combine(dir.Path, "trained"), model, labels, dir.File("vocab.txt"));

        var error = Assert.Throws<ConfigException>(() => TaskModelDirectory.Load(Path.Combine(dir.Path, "trained"), TaskKind.Classification, ["x", "y"]));

        Assert.Contains("trained with labels [a, b], the data has [x, y]", error.Message);
    }
}
