using Distill.Tokenization;

namespace Distill.Features;

/// <summary>
/// One window of a reading-comprehension example: <c>[CLS] question [SEP] context-window [SEP]</c>, with the
/// training span as token indices into this sequence (both 0, the [CLS] token, when the answer is not wholly inside).
/// Context tokens have segment 1 and offsets into the example's context string.
/// </summary>
internal sealed record QaFeature(string ExampleId, int WindowIndex, TokenizedText Text, int StartPosition, int EndPosition);
