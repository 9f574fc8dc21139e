namespace Distill.Features;

/// <summary>Turns a QA model's start and end logits over an example's windows back into an answer in the context.</summary>
internal static class QaPostprocess
{
    /// <summary>
    /// The highest-scoring span over all <paramref name="windows"/> of one example. In each window the
    /// <paramref name="nBest"/> context tokens with the highest start logits are paired with the <paramref name="nBest"/>
    /// with the highest end logits; a pair counts when end ≥ start and it spans at most
    /// <paramref name="maxAnswerLength"/> tokens. Score = start + end logit; of equal scores the first window's wins.
    /// Logit arrays have one value per window token; positions past the window's tokens (padding) are ignored.
    /// </summary>
    /// <remarks>
    /// Unlike run_qa.py, the top <paramref name="nBest"/> are taken among context tokens only, so question and special
    /// tokens with high logits cannot crowd the real candidates out.
    /// </remarks>
    public static QaPrediction BestAnswer(
        string context, IReadOnlyList<QaFeature> windows, IReadOnlyList<float[]> startLogits, IReadOnlyList<float[]> endLogits,
        int nBest = 20, int maxAnswerLength = 30)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(startLogits);
        ArgumentNullException.ThrowIfNull(endLogits);
        ArgumentOutOfRangeException.ThrowIfLessThan(nBest, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxAnswerLength, 1);
        if (startLogits.Count != windows.Count || endLogits.Count != windows.Count)
        {
            throw new ArgumentException(
                $"{startLogits.Count} start and {endLogits.Count} end logit arrays for {windows.Count} windows: expected one of each per window");
        }

        var best = QaPrediction.None;
        for (var w = 0; w < windows.Count; w++)
        {
            var window = windows[w];
            if (window.ExampleId != windows[0].ExampleId)
            {
                throw new ArgumentException(
                    $"window {w} belongs to example {window.ExampleId}, window 0 to {windows[0].ExampleId}: expected the windows of one example",
                    nameof(windows));
            }
            var starts = TopContextTokens(window, startLogits[w], nBest, nameof(startLogits));
            var ends = TopContextTokens(window, endLogits[w], nBest, nameof(endLogits));
            foreach (var s in starts)
            {
                foreach (var e in ends)
                {
                    if (e < s || e - s + 1 > maxAnswerLength) continue;
                    var score = startLogits[w][s] + endLogits[w][e];
                    // Strictly greater: keeps the first of equal scores, and never picks NaN or -∞ (masked) spans.
                    if (score > best.Score) best = Span(context, window, s, e, score);
                }
            }
        }
        return best;
    }

    /// <summary>
    /// <see cref="BestAnswer(string, IReadOnlyList{QaFeature}, IReadOnlyList{float[]}, IReadOnlyList{float[]}, int, int)"/>
    /// from each window's logits as one (T × 2) array, flattened: start logits at even positions, end logits at odd ones.
    /// </summary>
    public static QaPrediction BestAnswer(string context, IReadOnlyList<QaFeature> windows, IReadOnlyList<float[]> startEndLogits)
    {
        ArgumentNullException.ThrowIfNull(startEndLogits);
        return BestAnswer(context, windows, startEndLogits.Select(l => EveryOther(l, 0)).ToList(), startEndLogits.Select(l => EveryOther(l, 1)).ToList());
    }

    private static float[] EveryOther(float[] values, int offset)
    {
        var result = new float[values.Length / 2];
        for (var i = 0; i < result.Length; i++) result[i] = values[2 * i + offset];
        return result;
    }

    private static IEnumerable<int> TopContextTokens(QaFeature window, float[] logits, int nBest, string parameter)
    {
        ArgumentNullException.ThrowIfNull(logits, parameter);
        if (logits.Length < window.Text.Length)
        {
            throw new ArgumentException(
                $"window {window.WindowIndex} has {window.Text.Length} tokens but only {logits.Length} logits: expected one per token",
                parameter);
        }
        // OrderByDescending is stable, so equal logits keep token order.
        return Enumerable.Range(0, window.Text.Length)
            .Where(i => window.Text.Segments[i] == 1)
            .OrderByDescending(i => logits[i])
            .Take(nBest)
            .ToArray();
    }

    private static QaPrediction Span(string context, QaFeature window, int s, int e, float score)
    {
        var start = window.Text.Offsets[s].Start;
        var end = window.Text.Offsets[e].End;
        if (end > context.Length)
        {
            throw new ArgumentException(
                $"window {window.WindowIndex} of example {window.ExampleId} has a token ending at char {end}, but the context has {context.Length} chars: pass the context the windows were made from",
                nameof(context));
        }
        return new QaPrediction(context[start..end], start, end, score);
    }
}
