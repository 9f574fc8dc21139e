namespace Distill.Data;

/// <summary>A classification example: one text or a pair, and its label as written in the file.</summary>
internal sealed record ClassificationExample(string ExampleId, string TextA, string? TextB, string Label);

/// <summary>A sequence-labelling example: words and one tag per word.</summary>
internal sealed record TaggingExample(string ExampleId, IReadOnlyList<string> Words, IReadOnlyList<string> Tags);

/// <summary>One reference answer of a reading-comprehension question: its text and character start in the context.</summary>
internal sealed record QaAnswer(string Text, int Start);

/// <summary>A SQuAD-style question over a context, with its reference answers (the first is trained on).</summary>
internal sealed record QaExample(string ExampleId, string Question, string Context, IReadOnlyList<QaAnswer> Answers);
