namespace Distill.Tokenization;

/// <summary>One word piece: its vocabulary id and its character range [Start, End) in the text it came from.</summary>
public readonly record struct WordPieceToken(int Id, int Start, int End);
