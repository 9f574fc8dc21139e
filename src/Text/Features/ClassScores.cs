namespace Distill.Features;

/// <summary>Reading logits over classes: the winning class and the softmax probabilities.</summary>
internal static class ClassScores
{
    /// <summary>The index of the largest value; the first of equal ones.</summary>
    public static int ArgMax(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) throw new ArgumentException("cannot take the argmax of no values: expected one logit per class", nameof(values));
        var best = 0;
        for (var i = 1; i < values.Length; i++) if (values[i] > values[best]) best = i;
        return best;
    }

    /// <summary>exp(l - max) / Σ exp(l - max), in double; subtracting the max keeps large logits finite.</summary>
    public static double[] Softmax(ReadOnlySpan<float> logits)
    {
        var max = logits[ArgMax(logits)];
        var result = new double[logits.Length];
        var sum = 0.0;
        for (var i = 0; i < logits.Length; i++) sum += result[i] = Math.Exp(logits[i] - max);
        for (var i = 0; i < result.Length; i++) result[i] /= sum;
        return result;
    }
}
