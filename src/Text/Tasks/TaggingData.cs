using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Features;
using Distill.Metrics;
using Distill.Tokenization;

namespace Distill.Tasks;

/// <summary>Sequence labelling data: each word's tag on its first sub-token, the other sub-tokens ignored by the loss.</summary>
internal sealed class TaggingData : ITaskData
{
    private readonly IReadOnlyList<TaggingExample> examples;
    private readonly IReadOnlyList<TaggingFeature> tagging;

    private TaggingData(string source, IReadOnlyList<TaggingExample> examples, IReadOnlyList<TaggingFeature> tagging, IReadOnlyList<string> labels, IReadOnlyList<string> warnings)
    {
        Source = source;
        this.examples = examples;
        this.tagging = tagging;
        Labels = labels;
        Warnings = warnings;
        Features = examples.Select((e, i) => new TrainingFeature(e.ExampleId, e.ExampleId, tagging[i].Text, tagging[i].Labels)).ToList();
    }

    public TaskKind Kind => TaskKind.Tagging;
    public string Source { get; }
    public IReadOnlyList<TrainingFeature> Features { get; }
    public IReadOnlyList<string> Labels { get; }
    public IReadOnlyList<string> Warnings { get; }

    /// <summary>The encoded examples with their word-to-token maps, in example order.</summary>
    internal IReadOnlyList<TaggingFeature> Tagging => tagging;

    public static TaggingData Load(string path, WordPieceEncoder tokenizer, IReadOnlyList<string>? labels, int maxSeqLength, DataReadOptions options)
    {
        var set = TaggingReader.Read(path, options);
        var labelSet = labels is null ? LabelSet.FromLabels(set.Examples.SelectMany(e => e.Tags)) : LabelSet.FromOrdered(labels);
        var features = new List<TaggingFeature>(set.Examples.Count);
        foreach (var example in set.Examples)
        {
            var tagIds = new int[example.Tags.Count];
            for (var i = 0; i < tagIds.Length; i++)
            {
                if (!labelSet.TryGetIndex(example.Tags[i], out tagIds[i]))
                {
                    throw new DataFormatException(path, example.ExampleId, $"unknown tag \"{example.Tags[i]}\" (known: {string.Join(", ", labelSet.Labels)})");
                }
            }
            features.Add(TaggingFeatures.Encode(tokenizer, example.Words, tagIds, maxSeqLength));
        }
        var truncated = features.Count(f => f.Truncated);
        var lostWords = features.Sum(f => f.TruncatedWords);
        var emptyWords = features.Sum(f => f.EmptyWords);
        var lost = lostWords > 0 ? $"{path}: {lostWords} words lost their tag to truncation; they are predicted as \"{labelSet.Labels[0]}\"" : "";
        var empty = emptyWords > 0 ? $"{path}: {emptyWords} words have no word pieces (only control characters); they are predicted as \"{labelSet.Labels[0]}\"" : "";
        return new TaggingData(path, set.Examples, features, labelSet.Labels, DataWarnings.Of(path, set, truncated, maxSeqLength, lost, empty));
    }

    public EvaluationResult Score(IReadOnlyList<float[]> logits)
    {
        var gold = new List<IReadOnlyList<string>>(examples.Count);
        var predicted = new List<IReadOnlyList<string>>(examples.Count);
        var predictions = new List<JsonObject>(examples.Count);
        for (var i = 0; i < examples.Count; i++)
        {
            var tags = TaggingFeatures.WordTags(tagging[i], logits[i], Labels);
            gold.Add(examples[i].Tags);
            predicted.Add(tags);
            predictions.Add(new JsonObject
            {
                ["example_id"] = examples[i].ExampleId,
                ["words"] = new JsonArray(examples[i].Words.Select(w => JsonValue.Create(w)).ToArray<JsonNode?>()),
                ["tags"] = new JsonArray(tags.Select(t => JsonValue.Create(t)).ToArray<JsonNode?>()),
            });
        }
        var metrics = new Dictionary<string, double> { ["token_accuracy"] = SequenceLabelingMetrics.TokenAccuracy(gold, predicted) };
        // Entity F1 only means something for span tags (B-/I-); POS tags are scored per token.
        var spans = Labels.Any(l => l.StartsWith("B-", StringComparison.Ordinal) || l.StartsWith("I-", StringComparison.Ordinal));
        if (spans)
        {
            var scores = SequenceLabelingMetrics.EntityF1(gold, predicted);
            metrics["entity_precision"] = scores.Precision;
            metrics["entity_recall"] = scores.Recall;
            metrics["entity_f1"] = scores.F1;
        }
        return new EvaluationResult(metrics, spans ? "entity_f1" : "token_accuracy", predictions);
    }
}
