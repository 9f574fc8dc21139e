using System.Text;
using System.Text.RegularExpressions;

namespace Distill.Metrics;

/// <summary>
/// The SQuAD v1.1 answer scores: exact match and token-overlap F1 between a predicted answer and the best of
/// its gold answers, both after <see cref="Normalize"/>. Scores are fractions in [0, 1], not percentages.
/// </summary>
internal static partial class SquadMetrics
{
    // Python's string.punctuation; the ASCII symbols in it ($, +, <, =, >, ^, `, |, ~) are not
    // Unicode punctuation, so checking char.IsPunctuation alone would keep them.
    private const string AsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

    [GeneratedRegex(@"\b(a|an|the)\b")]
    private static partial Regex Articles();

    /// <summary>Lower-cases, drops punctuation, drops the words a/an/the, and joins the remaining words with single spaces.</summary>
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var kept = new StringBuilder(text.Length);
        foreach (var c in text.ToLowerInvariant())
        {
            if (!char.IsPunctuation(c) && !AsciiPunctuation.Contains(c)) kept.Append(c);
        }
        return string.Join(' ', Tokens(Articles().Replace(kept.ToString(), " ")));
    }

    /// <summary>1 when the normalized prediction equals some normalized answer, else 0.</summary>
    public static double ExactMatch(string prediction, IReadOnlyList<string> answers)
    {
        CheckAnswers(answers);
        var normalized = Normalize(prediction);
        return answers.Any(a => Normalize(a) == normalized) ? 1 : 0;
    }

    /// <summary>The best, over answers, of the F1 between the normalized prediction's words and the answer's words (as multisets).</summary>
    public static double F1(string prediction, IReadOnlyList<string> answers)
    {
        CheckAnswers(answers);
        var predicted = Tokens(Normalize(prediction));
        return answers.Max(a => TokenF1(predicted, Tokens(Normalize(a))));
    }

    /// <summary>Mean exact match and mean F1 over the examples.</summary>
    public static (double ExactMatch, double F1) Evaluate(IEnumerable<(string Prediction, IReadOnlyList<string> Answers)> examples)
    {
        ArgumentNullException.ThrowIfNull(examples);
        double exact = 0, f1 = 0;
        var count = 0;
        foreach (var (prediction, answers) in examples)
        {
            exact += ExactMatch(prediction, answers);
            f1 += F1(prediction, answers);
            count++;
        }
        if (count == 0)
        {
            throw new ArgumentException("cannot score an empty set of examples: no predictions were given", nameof(examples));
        }
        return (exact / count, f1 / count);
    }

    private static string[] Tokens(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);

    private static double TokenF1(string[] predicted, string[] gold)
    {
        var remaining = gold.CountBy(t => t).ToDictionary();
        var common = 0;
        foreach (var token in predicted)
        {
            if (remaining.TryGetValue(token, out var left) && left > 0)
            {
                remaining[token] = left - 1;
                common++;
            }
        }
        if (common == 0)
        {
            return 0;
        }
        var precision = (double)common / predicted.Length;
        var recall = (double)common / gold.Length;
        return 2 * precision * recall / (precision + recall);
    }

    private static void CheckAnswers(IReadOnlyList<string> answers)
    {
        ArgumentNullException.ThrowIfNull(answers);
        if (answers.Count == 0)
        {
            throw new ArgumentException("a SQuAD example needs at least one gold answer, found none", nameof(answers));
        }
    }
}
