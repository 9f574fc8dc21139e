using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Features;
using Distill.Metrics;
using Distill.Tokenization;

namespace Distill.Tasks;

/// <summary>Sentence (pair) classification data: one feature per example, labelled with the label's index.</summary>
internal sealed class ClassificationData : ITaskData
{
    private readonly IReadOnlyList<ClassificationExample> examples;

    private ClassificationData(string source, IReadOnlyList<ClassificationExample> examples, IReadOnlyList<TrainingFeature> features, IReadOnlyList<string> labels, IReadOnlyList<string> warnings)
    {
        Source = source;
        this.examples = examples;
        Features = features;
        Labels = labels;
        Warnings = warnings;
    }

    public TaskKind Kind => TaskKind.Classification;
    public string Source { get; }
    public IReadOnlyList<TrainingFeature> Features { get; }
    public IReadOnlyList<string> Labels { get; }
    public IReadOnlyList<string> Warnings { get; }

    /// <param name="path">JSONL, CSV or TSV</param>
    /// <param name="tokenizer">the model's tokenizer</param>
    /// <param name="labels">the label set (from the training data or the model); null reads it from this file</param>
    /// <param name="maxSeqLength">longer inputs are truncated, and counted</param>
    /// <param name="options">reader options</param>
    public static ClassificationData Load(string path, ITextTokenizer tokenizer, IReadOnlyList<string>? labels, int maxSeqLength, DataReadOptions options)
    {
        var known = labels is null ? null : LabelSet.FromOrdered(labels);
        var set = ClassificationReader.Read(path, options, known);
        var labelSet = known ?? LabelSet.FromExamples(set.Examples);
        var truncated = 0;
        var features = new List<TrainingFeature>(set.Examples.Count);
        foreach (var example in set.Examples)
        {
            var text = tokenizer.Encode(example.TextA, example.TextB, maxSeqLength);
            if (text.Truncated) truncated++;
            features.Add(new TrainingFeature(example.ExampleId, example.ExampleId, text, [labelSet.IndexOf(example.Label)]));
        }
        return new ClassificationData(path, set.Examples, features, labelSet.Labels, DataWarnings.Of(path, set, truncated, maxSeqLength));
    }

    public EvaluationResult Score(IReadOnlyList<float[]> logits)
    {
        var predicted = logits.Select(l => ClassPrediction.FromLogits(l, Labels)).ToArray();
        var gold = Features.Select(f => f.Labels[0]).ToArray();
        var indices = predicted.Select(p => p.Index).ToArray();
        var metrics = new Dictionary<string, double>
        {
            ["accuracy"] = ClassificationMetrics.Accuracy(gold, indices),
            ["macro_f1"] = ClassificationMetrics.MacroF1(gold, indices),
        };
        var predictions = examples.Select((e, i) => new JsonObject
        {
            ["example_id"] = e.ExampleId,
            ["label"] = predicted[i].Label,
            ["gold"] = e.Label,
            ["probabilities"] = new JsonObject(Labels.Select((label, k) => KeyValuePair.Create(label, (JsonNode?)JsonValue.Create(Math.Round(predicted[i].Probabilities[k], 6))))),
        }).ToList();
        return new EvaluationResult(metrics, "accuracy", predictions);
    }
}
