using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.Bert;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Tests.Models;

public sealed class TaskModelDirectoryTests
{
    private static string SaveEncoder(TemporaryDirectory dir, bool pooler = true)
    {
        using var encoder = TinyBert.Create(pooler: pooler);
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

    /// <summary>
    /// The parameters of transformers' <c>BertForSequenceClassification</c> (models/bert/modeling_bert.py: <c>bert</c> =
    /// BertModel with its pooler, <c>classifier</c> = Linear); the <c>position_ids</c> and <c>token_type_ids</c>
    /// buffers are not persistent there, or ignored when missing.
    /// </summary>
    private static IEnumerable<string> TransformersClassifierKeys(int layers)
    {
        string[] embeddings = ["word_embeddings.weight", "position_embeddings.weight", "token_type_embeddings.weight", "LayerNorm.weight", "LayerNorm.bias"];
        string[] layer = ["attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense", "attention.output.LayerNorm",
            "intermediate.dense", "output.dense", "output.LayerNorm"];
        return embeddings.Select(k => "bert.embeddings." + k)
            .Concat(Enumerable.Range(0, layers).SelectMany(i => layer.SelectMany(m => new[] { $"bert.encoder.layer.{i}.{m}.weight", $"bert.encoder.layer.{i}.{m}.bias" })))
            .Concat(["bert.pooler.dense.weight", "bert.pooler.dense.bias", "classifier.weight", "classifier.bias"]);
    }

    [Fact]
    public void Save_ClassifierFromAnEncoderWithoutPooler_HasEveryKeyOfTransformersAndClassifiesThePooledOutput()
    {
        using var dir = new TemporaryDirectory();
        var (model, labels) = TaskModelDirectory.Load(SaveEncoder(dir, pooler: false), TaskKind.Classification, ["a", "b"]);
        using var _ = model;
        var saved = Path.Combine(dir.Path, "trained");

        TaskModelDirectory.Save(saved, model, labels, dir.File("vocab.txt"));
        var weights = Distill.Safetensors.SafetensorsFile.Read(Path.Combine(saved, "model.safetensors"));
        var (reloaded, _) = TaskModelDirectory.Load(saved, TaskKind.Classification);
        using var __ = reloaded;
        using var scope = NewDisposeScope();
        var ids = tensor(new long[] { 2, 5, 6, 3, 2, 7, 3, 0 }, [2, 4]);
        var mask = tensor(new long[] { 1, 1, 1, 1, 1, 1, 1, 0 }, [2, 4]);
        var output = reloaded.forward(ids, mask, null);
        // transformers' forward: classifier(dropout(tanh(pooler.dense(h[:, 0])))), dropout off in eval.
        var cls = output.Encoder.LastHiddenState[.., 0];
        var pooled = nn.functional.linear(cls, weights["bert.pooler.dense.weight"], weights["bert.pooler.dense.bias"]).tanh();
        var byHand = nn.functional.linear(pooled, weights["classifier.weight"], weights["classifier.bias"]);

        Assert.Equal(TransformersClassifierKeys(layers: 2).Order(StringComparer.Ordinal), weights.Keys.Order(StringComparer.Ordinal));
        Assert.True(byHand.allclose(output.Logits, rtol: 0, atol: 1e-6));
        Assert.True(model.forward(ids, mask, null).Logits.allclose(output.Logits, rtol: 0, atol: 1e-6));
        // The pooler the encoder lacked is Hugging Face's init: N(0, 0.02) weights, zero bias, not a copy of anything.
        Assert.True(weights["bert.pooler.dense.bias"].abs().max().item<float>() == 0);
        Assert.InRange(weights["bert.pooler.dense.weight"].std().item<float>(), 0.01, 0.03);
        foreach (var t in weights.Values) t.Dispose();
    }

    [Fact]
    public void Load_TrainedClassifierWithoutPooler_RefusesNamingTheFix()
    {
        using var dir = new TemporaryDirectory();
        var (model, labels) = TaskModelDirectory.Load(SaveEncoder(dir), TaskKind.Classification, ["a", "b"]);
        using var _ = model;
        var saved = Path.Combine(dir.Path, "trained");
        TaskModelDirectory.Save(saved, model, labels, dir.File("vocab.txt"));
        var weightsPath = Path.Combine(saved, "model.safetensors");
        var weights = Distill.Safetensors.SafetensorsFile.Read(weightsPath);
        Distill.Safetensors.SafetensorsFile.Write(weightsPath, weights.Where(kv => !kv.Key.StartsWith("bert.pooler.", StringComparison.Ordinal)).ToDictionary());
        foreach (var t in weights.Values) t.Dispose();

        var error = Assert.Throws<ConfigException>(() => TaskModelDirectory.Load(saved, TaskKind.Classification));

        Assert.Contains("a trained classifier without pooler weights", error.Message);
        Assert.Contains(weightsPath, error.Message);
    }
}
