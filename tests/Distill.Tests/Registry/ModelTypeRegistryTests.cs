using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Registry;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.TaskModels;
using Distill.Errors;
using Distill.Export.Exporting;
using Distill.Export.Graph;
using Distill.Export.Mapping;
using Onnx;
using Distill.IO;
using Distill.Models;
using Distill.Safetensors;
using Distill.Tasks;
using Distill.Tests.Support;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.Tests.Registry;

/// <summary>
/// A model type the library does not ship, defined and registered here as a user would: a bag of embeddings
/// (embeddings → tanh(dense) → masked mean → classifier), named by its config.json's model_type.
/// </summary>
public sealed class ModelTypeRegistryTests
{
    private sealed record BagConfig(
        [property: JsonPropertyName("model_type")] string ModelType,
        [property: JsonPropertyName("vocab_size")] int VocabSize,
        [property: JsonPropertyName("hidden_size")] int HiddenSize,
        [property: JsonPropertyName("labels")] IReadOnlyList<string> Labels);

    private sealed class Bag : nn.Module<Tensor, Tensor, (Tensor Logits, Tensor Embedded, Tensor Hidden)>
    {
        private readonly Embedding embeddings;
        private readonly Linear dense;
        private readonly Linear classifier;

        public Bag(BagConfig config) : base(nameof(Bag))
        {
            embeddings = nn.Embedding(config.VocabSize, config.HiddenSize);
            dense = nn.Linear(config.HiddenSize, config.HiddenSize);
            classifier = nn.Linear(config.HiddenSize, config.Labels.Count);
            RegisterComponents();
        }

        public override (Tensor Logits, Tensor Embedded, Tensor Hidden) forward(Tensor inputIds, Tensor attentionMask)
        {
            var embedded = embeddings.call(inputIds);                             // (B, T, H)
            var hidden = dense.call(embedded).tanh();                             // (B, T, H)
            var mask = attentionMask.unsqueeze(-1).to_type(ScalarType.Float32);   // (B, T, 1)
            var pooled = (hidden * mask).sum(1) / mask.sum(1);                    // (B, H); every row has [CLS]
            return (classifier.call(pooled), embedded, hidden);
        }
    }

    private sealed class BagTask(Bag module, BagConfig config) : ITaskModel
    {
        public nn.Module Module => module;
        public TaskKind Kind => TaskKind.Classification;
        public IReadOnlyList<string> Labels => config.Labels;
        public int Layers => 1;
        public int HiddenSize => config.HiddenSize;
        public int VocabSize => config.VocabSize;

        public AdaptedModel Adapted(bool outputAttentions, Action<string> save) => new(
            module,
            batch => module.call(batch[Batch.InputIds], batch[Batch.AttentionMask]),
            (batch, raw) =>
            {
                var (logits, embedded, hidden) = ((Tensor, Tensor, Tensor))raw;
                return TaskAdaptor.Output(Kind, batch, logits, [embedded, hidden], attention: null);
            },
            save);

        public Tensor Logits(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds) => module.call(inputIds, attentionMask).Logits;

        public void Save(string directory, IReadOnlyList<string> labels, string vocabPath)
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(Path.Combine(directory, "config.json"), JsonSerializer.Serialize(config with { Labels = labels }));
            SafetensorsFile.Write(Path.Combine(directory, "model.safetensors"), StateDict.Of(module));
            var target = Path.Combine(directory, "vocab.txt");
            if (Path.GetFullPath(vocabPath) != Path.GetFullPath(target)) File.Copy(vocabPath, target, overwrite: true);
        }

        public void Dispose() => module.Dispose();
    }

    private static ModelType BagType(string name) => ModelType.FromConfig(name, (configPath, kind, labels) =>
    {
        var config = JsonFile.Read<BagConfig>(configPath, "bag config");
        return new BagTask(new Bag(config), config);
    }) with { OnnxExport = BagExport };

    /// <summary>The bag's export spec, op for op: Gather → MatMul + Add → Tanh → masked mean → MatMul + Add.</summary>
    private static ModelProto BagExport(ITaskModel model, int opset)
    {
        var state = StateDict.Of(model.Module);
        var graph = new OnnxGraphBuilder("bag");
        string Weight(string key, bool transposed)
        {
            using var t = (transposed ? state[key].t() : state[key]).contiguous();
            return graph.Initializer(key, t.data<float>().ToArray(), t.shape);
        }
        const TensorProto.Types.DataType int64 = TensorProto.Types.DataType.Int64;
        var ids = graph.Input(OutputNames.InputIds, int64, OutputNames.Batch, OutputNames.Sequence);
        var mask = graph.Input(OutputNames.AttentionMask, int64, OutputNames.Batch, OutputNames.Sequence);
        var embedded = graph.Node("Gather", "embedded", [Weight("embeddings.weight", false), ids]);                          // (B, T, H)
        var dense = graph.Node("Add", "dense", [graph.Node("MatMul", "dense_mm", [embedded, Weight("dense.weight", true)]), Weight("dense.bias", false)]);
        var hidden = graph.Node("Tanh", "hidden", [dense]);
        var floatMask = graph.Node("Unsqueeze", "mask3", [graph.Node("Cast", "maskf", [mask], Attributes.Int("to", (long)TensorProto.Types.DataType.Float)), graph.Int64s(-1)]);
        var summed = graph.Node("ReduceSum", "summed", [graph.Node("Mul", "masked", [hidden, floatMask]), graph.Int64s(1)], Attributes.Int("keepdims", 0));
        var pooled = graph.Node("Div", "pooled", [summed, graph.Node("ReduceSum", "count", [floatMask, graph.Int64s(1)], Attributes.Int("keepdims", 0))]);
        var logits = graph.Node("Add", "logits_raw", [graph.Node("MatMul", "cls_mm", [pooled, Weight("classifier.weight", true)]), Weight("classifier.bias", false)]);
        graph.Output(graph.Rename(logits, OutputNames.Logits), TensorProto.Types.DataType.Float, OutputNames.Batch, model.Labels.Count);
        foreach (var t in state.Values) t.Dispose();
        return graph.Build(opset, "bag-test", "1");
    }

    private static string RunFile(TemporaryDirectory dir, string name, string student, string teacher, double learningRate)
    {
        var path = dir.File(name);
        File.WriteAllText(path, new JsonObject
        {
            ["training"] = new JsonObject
            {
                ["task"] = "classification", ["model"] = student, ["train_file"] = dir.File("train.jsonl"), ["dev_file"] = dir.File("dev.jsonl"),
                ["output_dir"] = dir.File("out"), ["num_epochs"] = 2, ["batch_size"] = 8, ["learning_rate"] = learningRate,
                ["max_seq_length"] = 16, ["seed"] = 3, ["threads"] = 1,
            },
            ["distillation"] = JsonNode.Parse("""
                {"temperature": 2, "kd_loss_type": "ce", "hard_label_weight": 0.5,
                 "intermediate_matches": [{"layer_T": 2, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "weight": 1, "proj": ["linear", 8, 16]}]}
                """),
            ["teacher"] = teacher,
        }.ToJsonString());
        return path;
    }

    [Fact]
    public void RegisteredUserType_DistilledFromARunFile_EvaluatedReloadedFromBestAndClaimedLikeBert()
    {
        using var dir = new TemporaryDirectory();
        var teacher = TinyTask.Write(dir.Path, trainCount: 24, devCount: 8);
        var name = $"bag-{Guid.NewGuid():N}";
        ComponentRegistry.RegisterModelType(BagType(name));
        try
        {
            manual_seed(4);
            var config = new BagConfig(name, TinyBert.Config().VocabSize, 8, ["neg", "pos"]);
            using (var fresh = new BagTask(new Bag(config), config)) fresh.Save(dir.File("student"), config.Labels, dir.File("vocab.txt"));
            var runPath = RunFile(dir, "run.json", dir.File("student"), teacher, 1e-2);

            var summary = TrainingRun.Execute(Distill.DistillStudent.Runs.RunFile.Load(runPath).Validate(runPath), new StringWriter(), isTerminal: false);

            Assert.Equal(6, summary.Steps);
            var best = dir.File("out", "best");
            Assert.Equal(name, ModelDirectory.ModelType(best));
            var (result, inputs, _) = ModelEvaluation.Run(best, TaskKind.Classification, dir.File("dev.jsonl"), new TrainingConfig { MaxSeqLength = 16 }.DataSettings, batchSize: 8);
            Assert.Equal(8, inputs);
            Assert.Equal(summary.BestMetric!.Value, result.Metrics[result.MainMetric], 9);

            var (reloaded, labels) = TaskModelLoader.Load(best, TaskKind.Classification, ["neg", "pos"]);
            using (reloaded)
            {
                Assert.IsType<Bag>(reloaded.Module);
                Assert.Equal(["neg", "pos"], labels);
                Assert.False(reloaded.Module.training);
            }

            var otherRun = RunFile(dir, "other.json", dir.File("student"), teacher, 5e-3);
            var refused = Assert.Throws<ConfigException>(() =>
                TrainingRun.Execute(Distill.DistillStudent.Runs.RunFile.Load(otherRun).Validate(otherRun), new StringWriter(), isTerminal: false));
            Assert.Contains("holds a run with another configuration", refused.Message);
            Assert.Contains("training.learning_rate", refused.Message);

            var exported = OnnxExporter.Export(new ExportRequest(best, dir.File("onnx")), _ => { });
            Assert.True(exported.Published);
            Assert.Empty(exported.Failures);
            Assert.Equal(OutputNames.Logits, Assert.Single(exported.Parity.Outputs).Name);
            Assert.True(File.Exists(exported.OutputPath));
        }
        finally
        {
            ComponentRegistry.Unregister(ComponentMap.ModelType, name);
        }
    }

    [Fact]
    public void Validate_StudentOfAnUnregisteredType_NamesTheFileAndListsTheRegisteredTypes()
    {
        using var dir = new TemporaryDirectory();
        var teacher = TinyTask.Write(dir.Path, trainCount: 4, devCount: 2);
        Directory.CreateDirectory(dir.File("student"));
        File.WriteAllText(dir.File("student", "config.json"), """{"model_type": "textcnn"}""");
        var runPath = RunFile(dir, "run.json", dir.File("student"), teacher, 1e-2);

        var error = Assert.Throws<ConfigException>(() => Distill.DistillStudent.Runs.RunFile.Load(runPath).Validate(runPath));

        Assert.Contains($"training.model: {dir.File("student", "config.json")}: model_type \"textcnn\" is not known; known: ", error.Message);
        Assert.Contains("bert, bigru", error.Message);
    }

    [Fact]
    public void Catalog_ListsTheBuiltInTypes_RegisteredThroughThePublicEntryPoint()
    {
        Assert.Contains("bert", ComponentRegistry.Catalog.Names(ComponentMap.ModelType));
        Assert.Contains("bigru", ComponentRegistry.Catalog.Names(ComponentMap.ModelType));
        Assert.Equal("bert", ComponentRegistry.ModelType("bert", "config.json").Name);
    }
}
