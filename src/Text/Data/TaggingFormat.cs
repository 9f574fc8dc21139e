namespace Distill.Data;

/// <summary>How a sequence-labelling file is laid out.</summary>
public enum TaggingFormat
{
    /// <summary>Decide from the first sentence; see <see cref="TaggingReader"/>.</summary>
    Auto,

    /// <summary>One token per line, whitespace-separated columns (word first, tag last), a blank line between sentences.</summary>
    Conll,

    /// <summary>One sentence per line as <c>word/TAG</c> tokens, split at each token's last '/'.</summary>
    WordTag,
}
