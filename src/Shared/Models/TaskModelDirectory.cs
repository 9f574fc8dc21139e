using Distill.Safetensors;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.Models;

/// <summary>
/// Loads and saves task models as Hugging Face directories (config.json with <c>architectures</c> and
/// <c>id2label</c>, model.safetensors with <c>bert.*</c> and head keys, vocab.txt). A directory holding only
/// an encoder (e.g. the imported MiniLM) gets a freshly initialized head.
/// </summary>
internal static class TaskModelDirectory
{
    private static readonly string[] HeadKeys = ["classifier.weight", "qa_outputs.weight"];

    /// <param name="directory">the model directory</param>
    /// <param name="kind">the task</param>
    /// <param name="labels">labels for a fresh head; checked against a trained head's id2label</param>
    /// <returns>the model in eval mode, and its labels (empty for QA)</returns>
    public static (BertTaskModel Model, IReadOnlyList<string> Labels) Load(string directory, TaskKind kind, IReadOnlyList<string>? labels = null)
    {
        var configPath = ModelDirectory.RequireFile(directory, ModelDirectory.ConfigFile);
        var weightsPath = ModelDirectory.RequireWeights(directory);
        var config = BertConfig.Load(configPath);
        return StateDictFile.Read(weightsPath, weights =>
        {
            var trainedHead = HeadKeys.Any(weights.ContainsKey);
            var headLabels = trainedHead && kind != TaskKind.Qa ? LabelsOf(config, configPath) : labels ?? [];
            if (trainedHead && labels is not null && kind != TaskKind.Qa && !labels.SequenceEqual(headLabels))
            {
                throw new ConfigException($"{configPath}: the model was trained with labels [{string.Join(", ", headLabels)}], the data has [{string.Join(", ", labels)}]");
            }
            if (kind != TaskKind.Qa && headLabels.Count < 2)
            {
                throw new ConfigException($"{configPath}: a {kind.Name()} head needs at least 2 labels, found {headLabels.Count}");
            }
            var hasPooler = weights.Keys.Any(ModelDirectory.IsPoolerKey);
            if (kind == TaskKind.Classification && trainedHead && !hasPooler)
            {
                throw new ConfigException($"{weightsPath}: a trained classifier without pooler weights (bert.pooler.dense.*); transformers' "
                    + "BertForSequenceClassification would put a random pooler in front of it and predict otherwise. Train it again from the encoder (a pooler is then trained and saved)");
            }
            BertTaskModel model = kind switch
            {
                TaskKind.Classification => new BertForSequenceClassification(config, headLabels.Count),
                TaskKind.Tagging => new BertForTokenClassification(config, headLabels.Count),
                _ => new BertForQuestionAnswering(config),
            };
            if (!model.Encoder.HasPooler) RemovePooler(weights);
            if (model is BertForSequenceClassification classifier && !hasPooler)
            {
                classifier.InitializePooler();
                foreach (var (key, value) in StateDict.Of(model.Encoder).Where(kv => ModelDirectory.IsPoolerKey(kv.Key))) weights[key] = value.clone();
            }
            if (trainedHead)
            {
                StateDict.Load(model, weights, weightsPath);
            }
            else
            {
                StateDict.Load(model.Encoder, weights, weightsPath, stripPrefix: "bert.");
            }
            model.eval();
            return (model, headLabels);
        });
    }

    /// <summary>Writes config.json (with architectures and labels), model.safetensors and vocab.txt.</summary>
    public static void Save(string directory, BertTaskModel model, IReadOnlyList<string> labels, string vocabPath) =>
        ModelDirectory.Write(directory, ConfigWithLabels(model, labels), model, vocabPath);

    /// <summary>The task model's config.json as Hugging Face writes it: its architecture, and the labels as <c>id2label</c> and <c>label2id</c> (none for QA).</summary>
    public static BertConfig ConfigWithLabels(BertTaskModel model, IReadOnlyList<string> labels) => model.Config with
    {
        Architectures = [model.Architecture],
        Id2Label = labels.Count == 0 ? null : labels.Select((l, i) => (l, i)).ToDictionary(p => p.i.ToString(System.Globalization.CultureInfo.InvariantCulture), p => p.l),
        Label2Id = labels.Count == 0 ? null : labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i),
    };

    /// <summary>
    /// Checks that the config's <c>label2id</c>, when it has one, is the inverse of the labels read from its
    /// <c>id2label</c>, so that clients which map names to ids (Optimum, transformers) agree with those that map ids to names.
    /// </summary>
    /// <exception cref="ConfigException">They disagree; the message names the file and both maps.</exception>
    public static void CheckLabel2Id(BertConfig config, IReadOnlyList<string> labels, string source)
    {
        if (config.Label2Id is null) return;
        var expected = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i);
        if (config.Label2Id.Count != expected.Count || config.Label2Id.Any(kv => !expected.TryGetValue(kv.Key, out var id) || id != kv.Value))
        {
            throw new ConfigException($"{source}: label2id {{{string.Join(", ", config.Label2Id.Select(kv => $"\"{kv.Key}\": {kv.Value}"))}}} does not match id2label: "
                + $"expected {{{string.Join(", ", expected.Select(kv => $"\"{kv.Key}\": {kv.Value}"))}}}; make label2id the inverse of id2label");
        }
    }

    private static IReadOnlyList<string> LabelsOf(BertConfig config, string source)
    {
        if (config.Id2Label is null) throw new ConfigException($"{source}: the model has a trained head but config.json has no id2label");
        var labels = new string[config.Id2Label.Count];
        foreach (var (key, label) in config.Id2Label)
        {
            if (!int.TryParse(key, out var id) || id < 0 || id >= labels.Length)
            {
                throw new ConfigException($"{source}: id2label key \"{key}\" is not an id in [0, {labels.Length})");
            }
            labels[id] = label;
        }
        return labels;
    }

    private static void RemovePooler(Dictionary<string, Tensor> weights)
    {
        foreach (var key in weights.Keys.Where(ModelDirectory.IsPoolerKey).ToList())
        {
            weights[key].Dispose();
            weights.Remove(key);
        }
    }
}
