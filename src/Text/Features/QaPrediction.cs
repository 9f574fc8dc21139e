namespace Distill.Features;

/// <summary>
/// A predicted answer: its text, its character range [<paramref name="Start"/>, <paramref name="End"/>) in the
/// context and its score (start + end logit). No answer: empty text, Start = End = -1, score -∞.
/// </summary>
/// <param name="Text">the answer text, cut from the context</param>
/// <param name="Start">the answer's first character in the context; -1 for no answer</param>
/// <param name="End">one past its last character; -1 for no answer</param>
/// <param name="Score">start logit + end logit of the chosen span</param>
public sealed record QaPrediction(string Text, int Start, int End, float Score)
{
    /// <summary>The prediction of no answer (empty text, range -1..-1, score -∞), as SQuAD 2.0 scoring expects it.</summary>
    public static QaPrediction None { get; } = new(string.Empty, -1, -1, float.NegativeInfinity);
}
