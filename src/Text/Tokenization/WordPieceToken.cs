namespace Distill.Tokenization;

/// <summary>One word piece: its vocabulary id and its character range [Start, End) in the text it came from.</summary>
/// <param name="Id">the vocabulary id</param>
/// <param name="Start">the first character of the piece in the text</param>
/// <param name="End">one past its last character</param>
public readonly record struct WordPieceToken(int Id, int Start, int End);
