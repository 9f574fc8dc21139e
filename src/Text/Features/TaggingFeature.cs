using Distill.Tokenization;

namespace Distill.Features;

/// <summary>
/// One sequence-labelling example as model input: <c>[CLS] pieces [SEP]</c>, a label per token and the word each
/// token came from. Offsets are character ranges into the words joined by single spaces.
/// </summary>
/// <param name="Text">The tokens; segment 0, offsets into <c>string.Join(' ', words)</c>.</param>
/// <param name="Labels">Per token: the word's tag id on its first piece, <see cref="TaggingFeatures.IgnoreLabel"/> elsewhere.</param>
/// <param name="WordIndex">Per token: the index of the word it came from, -1 for [CLS] and [SEP].</param>
/// <param name="WordCount">How many words the example has, labelled or not.</param>
/// <param name="Truncated">Whether pieces were dropped to fit the maximum length.</param>
/// <param name="TruncatedWords">Words whose first piece was dropped by truncation: they carry no label.</param>
/// <param name="EmptyWords">Words that gave no piece at all (e.g. only control characters): they carry no label.</param>
internal sealed record TaggingFeature(
    TokenizedText Text, int[] Labels, int[] WordIndex, int WordCount, bool Truncated, int TruncatedWords, int EmptyWords);
