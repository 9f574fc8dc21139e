using System.Globalization;
using System.Text.Json;

namespace Distill.Data;

/// <summary>
/// Reads SQuAD v1.1 JSON: <c>{"data": [{"paragraphs": [{"context": ..., "qas": [{"id": ..., "question": ...,
/// "answers": [{"text": ..., "answer_start": N}]}]}]}]}</c>. Every answer must be found verbatim in the context at
/// its <c>answer_start</c>. Errors name the JSON path (<c>data[0].paragraphs[2].qas[1].answers[0]</c>); with
/// <see cref="DataReadOptions.SkipBad"/> a bad question is skipped, or a bad article or paragraph with its questions.
/// An example's id is the question's id.
/// </summary>
internal static class SquadReader
{
    public static DataSet<QaExample> Read(string path, DataReadOptions options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        using var document = Parse(path);
        var reader = new Reader(path, options);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DataFormatException(path, "$", $"not a SQuAD file (expected an object with \"data\", found {JsonText.Describe(root)})");
        }
        var data = reader.Required(root, "$", "data", JsonValueKind.Array, "an array of articles");
        var index = 0;
        foreach (var article in data.EnumerateArray())
        {
            var articlePath = $"data[{index++}]";
            reader.Guard(() => reader.ReadArticle(article, articlePath));
        }
        return reader.Collector.ToDataSet("data", "at least one question");
    }

    private static JsonDocument Parse(string path)
    {
        using var stream = File.OpenRead(path);
        try
        {
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            var location = e.LineNumber is { } line
                ? $"line {line + 1}, byte {e.BytePositionInLine + 1}"
                : "";
            throw new DataFormatException(path, location, $"malformed JSON (expected a SQuAD JSON document; the parser says: {e.Message})");
        }
    }

    /// <summary>One file's walk: where errors go and where examples are collected.</summary>
    private sealed class Reader(string path, DataReadOptions options)
    {
        public RecordCollector<QaExample> Collector { get; } = new(path);

        public void Guard(Action read)
        {
            try
            {
                read();
            }
            catch (DataFormatException e) when (options.SkipBad)
            {
                Collector.Skip(e);
            }
        }

        public void ReadArticle(JsonElement article, string articlePath)
        {
            RequireObject(article, articlePath, "an article object");
            var index = 0;
            foreach (var paragraph in Required(article, articlePath, "paragraphs", JsonValueKind.Array, "an array of paragraphs").EnumerateArray())
            {
                var paragraphPath = $"{articlePath}.paragraphs[{index++}]";
                Guard(() => ReadParagraph(paragraph, paragraphPath));
            }
        }

        private void ReadParagraph(JsonElement paragraph, string paragraphPath)
        {
            RequireObject(paragraph, paragraphPath, "a paragraph object");
            var context = JsonText.TextOf(Required(paragraph, paragraphPath, "context", JsonValueKind.String, "a string"), "context", problem => Bad(paragraphPath, problem));
            if (string.IsNullOrWhiteSpace(context)) throw Bad(paragraphPath, $"empty context (expected text, found \"{context}\")");
            var index = 0;
            foreach (var qa in Required(paragraph, paragraphPath, "qas", JsonValueKind.Array, "an array of questions").EnumerateArray())
            {
                var qaPath = $"{paragraphPath}.qas[{index++}]";
                Guard(() =>
                {
                    var example = ReadQuestion(qa, qaPath, context);
                    Collector.Add(example, example.ExampleId, qaPath);
                });
            }
        }

        private QaExample ReadQuestion(JsonElement qa, string qaPath, string context)
        {
            RequireObject(qa, qaPath, "a question object");
            var id = JsonText.OptionalString(qa, "id", scalarsAllowed: true, problem => Bad(qaPath, problem))
                ?? throw Bad(qaPath, "missing \"id\" (expected a string, found no such field)");
            if (id.Length == 0) throw Bad(qaPath, "empty \"id\" (expected a non-empty string, found \"\")");
            var question = JsonText.TextOf(Required(qa, qaPath, "question", JsonValueKind.String, "a string"), "question", problem => Bad(qaPath, problem));
            if (string.IsNullOrWhiteSpace(question)) throw Bad(qaPath, $"empty question (expected text, found \"{question}\")");
            var answers = Required(qa, qaPath, "answers", JsonValueKind.Array, "an array of answers");
            if (answers.GetArrayLength() == 0)
            {
                throw Bad(qaPath, "no answers (expected at least one; SQuAD v2 unanswerable questions are not supported, found [])");
            }
            var read = new List<QaAnswer>(answers.GetArrayLength());
            foreach (var answer in answers.EnumerateArray())
            {
                read.Add(ReadAnswer(answer, $"{qaPath}.answers[{read.Count}]", context));
            }
            return new QaExample(id, question, context, read);
        }

        private QaAnswer ReadAnswer(JsonElement answer, string answerPath, string context)
        {
            RequireObject(answer, answerPath, "an answer object");
            var text = JsonText.TextOf(Required(answer, answerPath, "text", JsonValueKind.String, "a string"), "text", problem => Bad(answerPath, problem));
            if (text.Length == 0) throw Bad(answerPath, "empty answer text (expected the answer as it appears in the context, found \"\")");
            var startElement = Required(answer, answerPath, "answer_start", JsonValueKind.Number, "a character offset");
            if (!startElement.TryGetInt32(out var start) || start < 0)
            {
                throw Bad(answerPath, $"bad \"answer_start\" (expected a character offset from 0, found {startElement.GetRawText()})");
            }
            if (start > context.Length - text.Length || string.CompareOrdinal(context, start, text, 0, text.Length) != 0)
            {
                throw Bad(answerPath, SpanMismatch(context, text, start));
            }
            return new QaAnswer(text, start);
        }

        /// <summary>What the context holds at the offset, and where the text really is, since off-by-one starts are common.</summary>
        private static string SpanMismatch(string context, string text, int start)
        {
            var found = start >= context.Length
                ? $"the end of the context ({context.Length.ToString(CultureInfo.InvariantCulture)} characters)"
                : $"\"{context.Substring(start, Math.Min(text.Length, context.Length - start))}\"";
            var nearest = NearestOccurrence(context, text, start);
            var hint = nearest < 0 ? "; the text does not occur in the context" : $"; the text occurs at offset {nearest}";
            return $"answer does not match the context (expected \"{text}\" at answer_start {start}, found {found}{hint})";
        }

        private static int NearestOccurrence(string context, string text, int start)
        {
            var best = -1;
            for (var at = context.IndexOf(text, StringComparison.Ordinal); at >= 0; at = context.IndexOf(text, at + 1, StringComparison.Ordinal))
            {
                if (best < 0 || Math.Abs(at - start) < Math.Abs(best - start)) best = at;
                if (at > start) break;
            }
            return best;
        }

        public JsonElement Required(JsonElement record, string recordPath, string name, JsonValueKind kind, string expected)
        {
            if (!record.TryGetProperty(name, out var value))
            {
                throw Bad(recordPath, $"missing \"{name}\" (expected {expected}, found no such field)");
            }
            if (value.ValueKind != kind)
            {
                throw Bad(recordPath, $"bad \"{name}\" (expected {expected}, found {JsonText.Describe(value)})");
            }
            return value;
        }

        private void RequireObject(JsonElement value, string valuePath, string expected)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                throw Bad(valuePath, $"not an object (expected {expected}, found {JsonText.Describe(value)})");
            }
        }

        private DataFormatException Bad(string location, string problem) => new(path, location, problem);
    }
}
