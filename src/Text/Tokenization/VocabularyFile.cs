using Distill.Data;

namespace Distill.Tokenization;

/// <summary>
/// A WordPiece <c>vocab.txt</c>: one token a line, the line number (from 0) is the token's id. Read and checked in
/// one place for every stage, so that a damaged file is refused by name and line before anything runs on it,
/// instead of failing (or silently mis-tokenizing) once a text reaches the bad line.
/// </summary>
internal static class VocabularyFile
{
    /// <summary>The tokens in id order.</summary>
    /// <param name="path">the vocab.txt</param>
    /// <param name="vocabSize">the model's vocab_size: a file with more lines has ids the embeddings lack; null skips the check</param>
    /// <exception cref="DataFormatException">empty, a token on two lines, or more lines than <paramref name="vocabSize"/></exception>
    public static string[] Read(string path, int? vocabSize = null)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"vocabulary file {path} does not exist", path);
        var tokens = File.ReadAllLines(path);
        if (tokens.Length == 0) throw new DataFormatException(path, "", "the vocabulary is empty (expected one token per line, its line number its id)");
        var firstLine = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < tokens.Length; i++)
        {
            if (!firstLine.TryAdd(tokens[i], i + 1))
            {
                throw new DataFormatException(path, DataFormatException.AtLine(i + 1),
                    $"\"{tokens[i]}\" is already on line {firstLine[tokens[i]]} (each token must appear once: its line number is its id)");
            }
        }
        if (vocabSize is { } size && tokens.Length > size)
        {
            throw new DataFormatException(path, DataFormatException.AtLine(size + 1),
                $"the vocabulary has {tokens.Length} lines, more than the model's vocab_size {size}: ids from {size} on have no embedding (expected at most {size} lines)");
        }
        return tokens;
    }
}
