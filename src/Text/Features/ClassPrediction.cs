namespace Distill.Features;

/// <summary>A classifier's answer for one input: the winning label and its index, and every label's probability in label order.</summary>
/// <param name="Index">the winning label's index in the label list</param>
/// <param name="Label">the winning label's name</param>
/// <param name="Probabilities">softmax probabilities of every label, in label order</param>
public sealed record ClassPrediction(int Index, string Label, IReadOnlyList<double> Probabilities)
{
    /// <summary>Argmax and softmax of one input's logits, one per label.</summary>
    public static ClassPrediction FromLogits(ReadOnlySpan<float> logits, IReadOnlyList<string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (logits.Length != labels.Count)
        {
            throw new ArgumentException($"{logits.Length} logits for {labels.Count} labels: expected one logit per label", nameof(logits));
        }
        var index = ClassScores.ArgMax(logits);
        return new ClassPrediction(index, labels[index], ClassScores.Softmax(logits));
    }
}
