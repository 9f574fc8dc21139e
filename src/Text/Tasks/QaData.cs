using System.Text.Json.Nodes;
using Distill.Data;
using Distill.Features;
using Distill.Metrics;
using Distill.Tokenization;

namespace Distill.Tasks;

/// <summary>Extractive QA data: each question's context split into overlapping windows, one feature per window.</summary>
internal sealed class QaData : ITaskData
{
    private readonly IReadOnlyList<QaExample> examples;
    private readonly IReadOnlyList<QaFeature> windows;

    private QaData(string source, IReadOnlyList<QaExample> examples, IReadOnlyList<QaFeature> windows, IReadOnlyList<string> warnings)
    {
        Source = source;
        this.examples = examples;
        this.windows = windows;
        Warnings = warnings;
        Features = windows.Select(w => new TrainingFeature(w.ExampleId, FeatureId(w.ExampleId, w.WindowIndex), w.Text, [w.StartPosition, w.EndPosition])).ToList();
    }

    /// <summary>A window's feature id: the example's id, '#', the window's index.</summary>
    public static string FeatureId(string exampleId, int window) => $"{exampleId}#{window}";

    /// <summary>The example a window's feature id (<see cref="FeatureId"/>) belongs to.</summary>
    public static string ExampleOf(string featureId) => featureId[..featureId.LastIndexOf('#')];

    public TaskKind Kind => TaskKind.Qa;
    public string Source { get; }
    public IReadOnlyList<TrainingFeature> Features { get; }
    public IReadOnlyList<string> Labels => [];
    public IReadOnlyList<string> Warnings { get; }

    public static QaData Load(string path, WordPieceEncoder tokenizer, int maxSeqLength, int docStride, int maxQueryLength, DataReadOptions options)
    {
        var set = SquadReader.Read(path, options);
        var windows = set.Examples.SelectMany(e => QaFeatures.Windows(tokenizer, e, maxSeqLength, docStride, maxQueryLength)).ToList();
        var multi = windows.GroupBy(w => w.ExampleId).Count(g => g.Count() > 1);
        var note = multi > 0 ? $"{path}: {multi} contexts were longer than one window and were split (doc_stride {docStride})" : "";
        return new QaData(path, set.Examples, windows, DataWarnings.Of(path, set, 0, maxSeqLength, note));
    }

    public EvaluationResult Score(IReadOnlyList<float[]> logits)
    {
        var byExample = windows.Select((w, i) => (Window: w, Logits: logits[i])).GroupBy(p => p.Window.ExampleId).ToDictionary(g => g.Key, g => g.ToList());
        var scored = new List<(string Prediction, IReadOnlyList<string> Answers)>(examples.Count);
        var predictions = new List<JsonObject>(examples.Count);
        foreach (var example in examples)
        {
            var parts = byExample[example.ExampleId];
            var answer = QaPostprocess.BestAnswer(example.Context, parts.Select(p => p.Window).ToList(), parts.Select(p => p.Logits).ToList());
            scored.Add((answer.Text, example.Answers.Select(a => a.Text).ToList()));
            predictions.Add(new JsonObject { ["example_id"] = example.ExampleId, ["answer"] = answer.Text, ["start"] = answer.Start, ["end"] = answer.End });
        }
        var (exact, f1) = SquadMetrics.Evaluate(scored);
        return new EvaluationResult(new Dictionary<string, double> { ["exact_match"] = exact, ["f1"] = f1 }, "f1", predictions);
    }
}
