namespace Distill.Features;

/// <summary>
/// A predicted answer: its text, its character range [<paramref name="Start"/>, <paramref name="End"/>) in the
/// context and its score (start + end logit). No answer: empty text, Start = End = -1, score -∞.
/// </summary>
public sealed record QaPrediction(string Text, int Start, int End, float Score)
{
    public static QaPrediction None { get; } = new(string.Empty, -1, -1, float.NegativeInfinity);
}
