namespace Distill.Metrics;

/// <summary>
/// Token- and entity-level scores for tagging tasks (NER, chunking) with BIO / IOB1 / IOBES tags such as
/// <c>B-PER</c>, <c>I-PER</c>, <c>E-PER</c>, <c>S-PER</c> and <c>O</c>. Entities are read the way seqeval's
/// default (non-strict) mode reads them, so an <c>I-</c> tag with no <c>B-</c> before it still opens an entity.
/// </summary>
internal static class SequenceLabelingMetrics
{
    private const string Outside = "O";

    /// <summary>The fraction of tokens, over all sentences, whose predicted tag equals the gold tag.</summary>
    public static double TokenAccuracy(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        CheckPaired(gold, predicted);
        long tokens = 0, correct = 0;
        for (var s = 0; s < gold.Count; s++)
        {
            for (var t = 0; t < gold[s].Count; t++)
            {
                tokens++;
                if (gold[s][t] == predicted[s][t]) correct++;
            }
        }
        if (tokens == 0)
        {
            throw new ArgumentException($"cannot score token accuracy: the {gold.Count} sentences hold no tokens");
        }
        return (double)correct / tokens;
    }

    /// <summary>Micro-averaged precision, recall and F1 over entity spans; a span is correct when type, start and end match.</summary>
    public static EntityScores EntityF1(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        CheckPaired(gold, predicted);
        int goldCount = 0, predictedCount = 0, correct = 0;
        for (var s = 0; s < gold.Count; s++)
        {
            var goldSpans = Spans(gold[s], $"gold sentence {s}").ToHashSet();
            var predictedSpans = Spans(predicted[s], $"predicted sentence {s}");
            goldCount += goldSpans.Count;
            predictedCount += predictedSpans.Count;
            correct += predictedSpans.Count(goldSpans.Contains);
        }
        var precision = predictedCount == 0 ? 0 : (double)correct / predictedCount;
        var recall = goldCount == 0 ? 0 : (double)correct / goldCount;
        var f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new EntityScores(precision, recall, f1, goldCount, predictedCount, correct);
    }

    /// <summary>
    /// The entity spans of one sentence, in order, with <c>End</c> inclusive. A token continues the open entity
    /// only when the open entity's last tag is <c>B-X</c> or <c>I-X</c> and the token is <c>I-X</c> or <c>E-X</c>
    /// of the same type; any other non-<c>O</c> tag closes it and opens a new one.
    /// </summary>
    public static IReadOnlyList<(int Start, int End, string Type)> Entities(IReadOnlyList<string> tags)
    {
        ArgumentNullException.ThrowIfNull(tags);
        return Spans(tags, "tags");
    }

    private static List<(int Start, int End, string Type)> Spans(IReadOnlyList<string> tags, string source)
    {
        var spans = new List<(int Start, int End, string Type)>();
        var start = -1;
        var previous = (Prefix: 'O', Type: "");
        for (var i = 0; i < tags.Count; i++)
        {
            var current = Parse(tags[i], source, i);
            var continues = previous.Prefix is 'B' or 'I' && current.Prefix is 'I' or 'E' && previous.Type == current.Type;
            if (continues)
            {
                previous = current;
                continue;
            }
            if (start >= 0)
            {
                spans.Add((start, i - 1, previous.Type));
            }
            start = current.Prefix == 'O' ? -1 : i;
            previous = current;
        }
        if (start >= 0)
        {
            spans.Add((start, tags.Count - 1, previous.Type));
        }
        return spans;
    }

    private static (char Prefix, string Type) Parse(string tag, string source, int position)
    {
        if (tag == Outside)
        {
            return ('O', "");
        }
        if (tag is { Length: > 2 } && tag[1] == '-' && tag[0] is 'B' or 'I' or 'E' or 'S')
        {
            return (tag[0], tag[2..]);
        }
        throw new ArgumentException(
            $"{source}, position {position}: tag \"{tag}\" is not a tagging label: expected \"O\" or B-, I-, E-, S- followed by a type, e.g. \"B-PER\"");
    }

    private static void CheckPaired(IReadOnlyList<IReadOnlyList<string>> gold, IReadOnlyList<IReadOnlyList<string>> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException(
                $"gold and predicted must hold the same sentences, found {gold.Count} gold and {predicted.Count} predicted sentences");
        }
        for (var s = 0; s < gold.Count; s++)
        {
            if (gold[s].Count != predicted[s].Count)
            {
                throw new ArgumentException(
                    $"sentence {s} has {gold[s].Count} gold tags but {predicted[s].Count} predicted tags; each token needs one of each");
            }
        }
    }
}
