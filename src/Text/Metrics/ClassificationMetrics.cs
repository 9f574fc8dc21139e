namespace Distill.Metrics;

/// <summary>Accuracy and macro-averaged F1 over integer class labels, one label per example.</summary>
internal static class ClassificationMetrics
{
    /// <summary>The fraction of examples whose predicted label equals the gold label.</summary>
    public static double Accuracy(IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        CheckPaired(gold, predicted);
        var correct = 0;
        for (var i = 0; i < gold.Count; i++)
        {
            if (gold[i] == predicted[i]) correct++;
        }
        return (double)correct / gold.Count;
    }

    /// <summary>
    /// The unweighted mean of per-class F1 over every class that occurs in <paramref name="gold"/> or
    /// <paramref name="predicted"/> (scikit-learn's <c>f1_score(average="macro")</c> with default labels).
    /// A class that is predicted but never right, or present but never predicted, counts as F1 = 0.
    /// </summary>
    public static double MacroF1(IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        CheckPaired(gold, predicted);
        var counts = new Dictionary<int, (int TruePositive, int FalsePositive, int FalseNegative)>();
        for (var i = 0; i < gold.Count; i++)
        {
            if (gold[i] == predicted[i])
            {
                var c = counts.GetValueOrDefault(gold[i]);
                counts[gold[i]] = c with { TruePositive = c.TruePositive + 1 };
                continue;
            }
            var missed = counts.GetValueOrDefault(gold[i]);
            counts[gold[i]] = missed with { FalseNegative = missed.FalseNegative + 1 };
            var wrong = counts.GetValueOrDefault(predicted[i]);
            counts[predicted[i]] = wrong with { FalsePositive = wrong.FalsePositive + 1 };
        }
        // 2TP / (2TP + FP + FN) equals 2PR / (P + R) whenever that is defined, and is 0 when TP = 0,
        // which is the convention for P + R = 0; the denominator is never 0 for a class that occurs.
        return counts.Values.Average(c => 2.0 * c.TruePositive / (2 * c.TruePositive + c.FalsePositive + c.FalseNegative));
    }

    private static void CheckPaired(IReadOnlyList<int> gold, IReadOnlyList<int> predicted)
    {
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(predicted);
        if (gold.Count != predicted.Count)
        {
            throw new ArgumentException(
                $"gold and predicted labels must pair up one to one, found {gold.Count} gold and {predicted.Count} predicted labels");
        }
        if (gold.Count == 0)
        {
            throw new ArgumentException("cannot score an empty set of examples: gold and predicted hold no labels");
        }
    }
}
