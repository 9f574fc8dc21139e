using System.Text.Json.Nodes;
using Distill.Features;

namespace Distill.Tasks;

/// <summary>
/// The raw logits behind each prediction line (<c>export-onnx predict --logits</c>), unrounded, keyed by label as the
/// probabilities are: classification <c>{"label": logit, ...}</c>; tagging one such object per word, read at the
/// word's first piece as its tag is (null for a word with no piece or cut by truncation).
/// </summary>
internal static class PredictionLogits
{
    public const string Key = "logits";

    /// <summary>The tasks whose predictions can carry logits; a QA answer comes from start and end logits over every window, not one row per line.</summary>
    public static readonly IReadOnlyList<TaskKind> Tasks = [TaskKind.Classification, TaskKind.Tagging];

    /// <summary>Adds <see cref="Key"/> to each of <paramref name="result"/>'s predictions from <paramref name="logits"/> (one array per feature, as <see cref="ITaskData.Score"/> took them).</summary>
    public static void Attach(ITaskData data, EvaluationResult result, IReadOnlyList<float[]> logits)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(logits);
        if (!Tasks.Contains(data.Kind))
        {
            throw new NotSupportedException($"--logits is for {string.Join(" and ", Tasks.Select(t => t.Name()))} models; a {data.Kind.Name()} model's answers come from start and end logits over every window");
        }
        var labels = data.Labels;
        JsonObject Row(float[] values, int offset) =>
            new(labels.Select((label, k) => KeyValuePair.Create(label, (JsonNode?)JsonValue.Create(values[offset + k]))));
        for (var i = 0; i < result.Predictions.Count; i++)
        {
            if (data is TaggingData tagging)
            {
                var feature = tagging.Tagging[i];
                // Each word's first-piece token index, found as WordTags finds the token it reads the tag from.
                var tokens = TaggingFeatures.WordPredictions(feature, Enumerable.Range(0, feature.Text.Length).ToArray(), fallback: -1);
                result.Predictions[i][Key] = new JsonArray(tokens.Select(t => t < 0 ? null : (JsonNode)Row(logits[i], t * labels.Count)).ToArray());
            }
            else
            {
                result.Predictions[i][Key] = Row(logits[i], 0);
            }
        }
    }
}
