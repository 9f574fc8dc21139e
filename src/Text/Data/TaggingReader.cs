using System.Globalization;

namespace Distill.Data;

/// <summary>
/// Reads sequence-labelling sentences in one of two layouts (see <see cref="TaggingFormat"/>):
/// <list type="bullet">
/// <item>CoNLL: one token per line, whitespace-separated columns, word = first column, tag = last; a blank line ends a
/// sentence; <c>-DOCSTART-</c> lines are skipped (and end a sentence). Every token line must have as many columns as
/// the first one, which also catches a word/TAG file read as CoNLL.</item>
/// <item>word/TAG: one sentence per line; each whitespace-separated token splits at its last '/', so
/// <c>and/or/CC</c> is the word <c>and/or</c> tagged <c>CC</c>.</item>
/// </list>
/// <see cref="TaggingFormat.Auto"/> looks at the first line that is neither blank nor <c>-DOCSTART-</c>: word/TAG when
/// every token on it has a non-empty word and tag around a '/', CoNLL otherwise. A CoNLL line's last column (the tag)
/// practically never contains '/', so CoNLL is not mistaken for word/TAG; a single-token line is word/TAG, since
/// CoNLL needs two columns. A sentence's id is <c>{file name}:{line of its first token}</c>.
/// </summary>
internal static class TaggingReader
{
    private const string DocStart = "-DOCSTART-";

    public static DataSet<TaggingExample> Read(string path, DataReadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        var format = options.TaggingFormat == TaggingFormat.Auto ? Detect(path, options) : options.TaggingFormat;
        return format switch
        {
            TaggingFormat.Conll => ReadConll(path, options),
            TaggingFormat.WordTag => ReadWordTag(path, options),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.TaggingFormat, "unknown TaggingFormat"),
        };
    }

    /// <summary>The layout of the file's first sentence line; CoNLL when there is none (the reader then reports the empty file).</summary>
    internal static TaggingFormat Detect(string path, DataReadOptions options)
    {
        foreach (var line in DataTextReader.ReadLines(path, options, []))
        {
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith(DocStart, StringComparison.Ordinal)) continue;
            return Tokens(line).All(token => SplitWordTag(token) is not null) ? TaggingFormat.WordTag : TaggingFormat.Conll;
        }
        return TaggingFormat.Conll;
    }

    private static DataSet<TaggingExample> ReadConll(string path, DataReadOptions options)
    {
        var collector = new RecordCollector<TaggingExample>(path);
        var fileName = Path.GetFileName(path);
        var words = new List<string>();
        var tags = new List<string>();
        var sentenceLine = 0;
        DataFormatException? badLine = null;
        var columns = 0;
        var columnsLine = 0;

        void EndSentence()
        {
            if (sentenceLine == 0) return;
            if (badLine is not null)
            {
                collector.Skip(badLine);
            }
            else
            {
                var id = $"{fileName}:{sentenceLine.ToString(CultureInfo.InvariantCulture)}";
                collector.Add(new TaggingExample(id, words.ToArray(), tags.ToArray()), id, DataFormatException.AtLine(sentenceLine));
            }
            words.Clear();
            tags.Clear();
            sentenceLine = 0;
            badLine = null;
        }

        var lineNumber = 0;
        foreach (var line in DataTextReader.ReadLines(path, options, collector.InvalidUtf8Lines))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith(DocStart, StringComparison.Ordinal))
            {
                EndSentence();
                continue;
            }
            if (sentenceLine == 0) sentenceLine = lineNumber;
            // With SkipBad one bad token line drops its whole sentence: the rest alone would be a sentence nobody wrote.
            if (badLine is not null) continue;
            try
            {
                var fields = Tokens(line);
                if (fields.Length < 2)
                {
                    throw new DataFormatException(path, DataFormatException.AtLine(lineNumber),
                        $"a token line with no tag (expected a word and a tag separated by whitespace, found only \"{line.Trim()}\")");
                }
                if (columns == 0)
                {
                    columns = fields.Length;
                    columnsLine = lineNumber;
                }
                else if (fields.Length != columns)
                {
                    throw new DataFormatException(path, DataFormatException.AtLine(lineNumber),
                        $"wrong number of columns (expected {columns} as on line {columnsLine}, found {fields.Length}; "
                        + "if the file has one sentence per line, set TaggingFormat to WordTag)");
                }
                words.Add(fields[0]);
                tags.Add(fields[^1]);
            }
            catch (DataFormatException e) when (options.SkipBad)
            {
                badLine = e;
            }
        }
        EndSentence();
        return collector.ToDataSet("line 1", "token lines of a sentence");
    }

    private static DataSet<TaggingExample> ReadWordTag(string path, DataReadOptions options)
    {
        var collector = new RecordCollector<TaggingExample>(path);
        var fileName = Path.GetFileName(path);
        var lineNumber = 0;
        foreach (var line in DataTextReader.ReadLines(path, options, collector.InvalidUtf8Lines))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var tokens = Tokens(line);
                var words = new string[tokens.Length];
                var tags = new string[tokens.Length];
                for (var i = 0; i < tokens.Length; i++)
                {
                    (words[i], tags[i]) = SplitWordTag(tokens[i]) ?? throw new DataFormatException(path, DataFormatException.AtLine(lineNumber),
                        $"bad token {i + 1} (expected word/TAG with a non-empty word and tag, found \"{tokens[i]}\")");
                }
                var id = $"{fileName}:{lineNumber.ToString(CultureInfo.InvariantCulture)}";
                collector.Add(new TaggingExample(id, words, tags), id, DataFormatException.AtLine(lineNumber));
            }
            catch (DataFormatException e) when (options.SkipBad)
            {
                collector.Skip(e);
            }
        }
        return collector.ToDataSet("line 1", "a line of word/TAG tokens");
    }

    /// <summary>Word and tag around the token's last '/', or null when either would be empty.</summary>
    private static (string Word, string Tag)? SplitWordTag(string token)
    {
        var slash = token.LastIndexOf('/');
        return slash <= 0 || slash == token.Length - 1 ? null : (token[..slash], token[(slash + 1)..]);
    }

    private static string[] Tokens(string line) => line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
}
