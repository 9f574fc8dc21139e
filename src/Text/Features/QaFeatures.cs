using Distill.Data;
using Distill.Tokenization;

namespace Distill.Features;

/// <summary>
/// Extractive question answering: splits each context into overlapping windows that fit the model, each paired
/// with the question, and labels the first reference answer's token span in every window that holds it whole.
/// </summary>
internal static class QaFeatures
{
    /// <summary>
    /// The windows of <paramref name="example"/>. The question keeps its first <paramref name="maxQueryLength"/>
    /// tokens; each window holds up to <c>maxLength - questionTokens - 3</c> context tokens, and consecutive windows
    /// share <paramref name="stride"/> tokens (Hugging Face's <c>stride</c>, run_qa.py's <c>--doc_stride</c>). The
    /// last window ends at the end of the context. <see cref="TokenizedText.Truncated"/> is set on windows that do
    /// not hold the whole question and context.
    /// </summary>
    /// <exception cref="ArgumentException">The length leaves no room for context, the stride is not smaller than the
    /// window, or the first answer lies outside the context.</exception>
    public static IReadOnlyList<QaFeature> Windows(WordPieceEncoder encoder, QaExample example, int maxLength, int stride, int maxQueryLength)
    {
        ArgumentNullException.ThrowIfNull(encoder);
        ArgumentNullException.ThrowIfNull(example);
        ArgumentOutOfRangeException.ThrowIfNegative(stride);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxQueryLength, 1);

        var fullQuestion = encoder.Tokenize(example.Question);
        var question = fullQuestion.Take(maxQueryLength).ToList();
        var windowSize = maxLength - question.Count - 3;
        if (windowSize < 1)
        {
            throw new ArgumentException(
                $"maxLength {maxLength} leaves no room for context after {question.Count} question tokens and 3 special tokens: expected at least {question.Count + 4}",
                nameof(maxLength));
        }
        if (stride >= windowSize)
        {
            throw new ArgumentException(
                $"stride {stride} must be smaller than the context window of {windowSize} tokens (maxLength {maxLength} - {question.Count} question tokens - 3 special tokens), or windows would not advance; lower the stride or raise maxLength",
                nameof(stride));
        }

        var context = encoder.Tokenize(example.Context).ToList();
        var answer = AnswerTokens(example, context);
        var windows = new List<QaFeature>();
        for (var start = 0; ; start += windowSize - stride)
        {
            var end = Math.Min(start + windowSize, context.Count);
            var truncated = fullQuestion.Count > question.Count || start > 0 || end < context.Count;
            var text = encoder.Assemble(question, context.GetRange(start, end - start), truncated);
            // Context token k sits after [CLS], the question and [SEP].
            var shift = question.Count + 2 - start;
            var (startPosition, endPosition) = answer is (int first, int last) && first >= start && last < end
                ? (first + shift, last + shift)
                : (0, 0);
            windows.Add(new QaFeature(example.ExampleId, windows.Count, text, startPosition, endPosition));
            if (end == context.Count) return windows;
        }
    }

    /// <summary>
    /// The context tokens holding the first answer's first and last characters; null when there is no answer or it
    /// covers no token. A character between tokens (whitespace) maps to the nearest token inside the answer.
    /// </summary>
    private static (int First, int Last)? AnswerTokens(QaExample example, List<WordPieceToken> context)
    {
        if (example.Answers.Count == 0 || example.Answers[0].Text.Length == 0) return null;
        var answer = example.Answers[0];
        var lastChar = answer.Start + answer.Text.Length - 1;
        if (answer.Start < 0 || lastChar >= example.Context.Length)
        {
            throw new ArgumentException(
                $"example {example.ExampleId}: answer \"{answer.Text}\" at char {answer.Start} ends at char {lastChar + 1}, outside the {example.Context.Length}-char context",
                nameof(example));
        }
        var first = context.FindIndex(t => t.End > answer.Start);
        var last = context.FindLastIndex(t => t.Start <= lastChar);
        return first >= 0 && first <= last ? (first, last) : null;
    }
}
