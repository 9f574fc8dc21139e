namespace Distill.Tokenization;

/// <summary>How text is normalized before WordPiece. Defaults are those of uncased BERT models.</summary>
public sealed class WordPieceOptions
{
    /// <summary>Lower-case the text first (Hugging Face <c>do_lower_case</c>). Default: true.</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>Strip accents ("Héllo" → "hello"). Default: null, meaning the same as <see cref="LowerCase"/>, as in Hugging Face.</summary>
    public bool? StripAccents { get; init; }

    /// <summary>Whether accents are stripped, <see cref="StripAccents"/> resolved.</summary>
    internal bool StripsAccents => StripAccents ?? LowerCase;
}
