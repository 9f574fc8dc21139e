using System.Globalization;
using System.Text.Json;

namespace Distill.Data;

/// <summary>
/// Reads classification examples (a text or a pair, and a label) from JSON Lines (<c>.jsonl</c>, <c>.json</c>: one
/// object per non-blank line), CSV (<c>.csv</c>) or TSV (<c>.tsv</c>, GLUE style), both with a header row and
/// RFC 4180 quoting. Field names come from <see cref="DataReadOptions"/>. A record's location is the line it starts on;
/// its id is the id field when present, else <c>{file name}:{line}</c>, which is the same on every run and machine.
/// </summary>
internal static class ClassificationReader
{
    private const string KnownExtensions = ".jsonl, .json, .csv or .tsv";

    /// <summary>Reads the file, choosing the format by its extension; with <paramref name="labels"/>, a label outside it is a bad record.</summary>
    public static DataSet<ClassificationExample> Read(string path, DataReadOptions options, LabelSet? labels = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(options);
        var extension = Path.GetExtension(path).ToLowerInvariant();
        var source = new Source(path, Path.GetFileName(path), options, labels);
        return extension switch
        {
            ".jsonl" or ".json" => ReadJsonLines(source),
            ".csv" => ReadDelimited(source, ','),
            ".tsv" => ReadDelimited(source, '\t'),
            _ => throw new DataFormatException(path, "",
                $"unknown data file extension (expected {KnownExtensions}, found \"{extension}\")"),
        };
    }

    private static DataSet<ClassificationExample> ReadJsonLines(Source source)
    {
        var collector = new RecordCollector<ClassificationExample>(source.Path);
        var lineNumber = 0;
        foreach (var line in DataTextReader.ReadLines(source.Path, source.Options, collector.InvalidUtf8Lines))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                Add(collector, source, lineNumber, FieldsOfJson(source, lineNumber, line));
            }
            catch (DataFormatException e) when (source.Options.SkipBad)
            {
                collector.Skip(e);
            }
        }
        return collector.ToDataSet("line 1", "one JSON object per line");
    }

    private static Fields FieldsOfJson(Source source, int line, string json)
    {
        var location = DataFormatException.AtLine(line);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new DataFormatException(source.Path, location, $"malformed JSON (expected one JSON object per line; the parser says: {e.Message})");
        }
        using (document)
        {
            var record = document.RootElement;
            if (record.ValueKind != JsonValueKind.Object)
            {
                throw new DataFormatException(source.Path, location,
                    $"not a JSON object (expected {{\"{source.Options.TextColumn}\": ..., \"{source.Options.LabelColumn}\": ...}}, found {JsonText.Describe(record)})");
            }
            var textColumn = ResolveTextColumn(source.Options, name => record.TryGetProperty(name, out _))
                ?? throw new DataFormatException(source.Path, location,
                    $"missing text field (expected {TextColumnNames(source.Options)}, found fields: {string.Join(", ", record.EnumerateObject().Select(p => p.Name))})");
            string? Field(string name, bool scalarsAllowed) => JsonText.OptionalString(record, name, scalarsAllowed,
                problem => new DataFormatException(source.Path, location, problem));
            return new Fields(
                textColumn,
                Field(textColumn, scalarsAllowed: false),
                Field(source.Options.TextBColumn, scalarsAllowed: false),
                Field(source.Options.LabelColumn, scalarsAllowed: true),
                Field(source.Options.IdColumn, scalarsAllowed: true));
        }
    }

    private static DataSet<ClassificationExample> ReadDelimited(Source source, char delimiter)
    {
        var collector = new RecordCollector<ClassificationExample>(source.Path);
        using var text = new DataTextReader(source.Path, source.Options.MaxLineLength);
        var records = new DelimitedRecordReader(text, delimiter);
        DelimitedRecord header;
        do
        {
            if (!records.TryRead(out header))
            {
                throw new DataFormatException(source.Path, "line 1", "no header row (expected column names, found an empty file)");
            }
        } while (header.IsBlank);
        if (header.Error is not null) throw new DataFormatException(source.Path, DataFormatException.AtLine(header.Line), header.Error);

        var columns = new Columns(source, header);
        while (records.TryRead(out var record))
        {
            if (record.IsBlank) continue;
            try
            {
                Add(collector, source, record.Line, columns.FieldsOf(record));
            }
            catch (DataFormatException e) when (source.Options.SkipBad)
            {
                collector.Skip(e);
            }
        }
        collector.InvalidUtf8Lines.AddRange(text.InvalidUtf8Lines);
        return collector.ToDataSet(DataFormatException.AtLine(header.Line), "a row after the header");
    }

    /// <summary>Where each wanted field sits in a CSV/TSV row, checked once against the header.</summary>
    private sealed class Columns
    {
        private readonly Source source;
        private readonly IReadOnlyList<string> names;
        private readonly string textColumn;
        private readonly int text, textB, label, id;

        public Columns(Source source, DelimitedRecord header)
        {
            this.source = source;
            names = header.Cells;
            string ListNames() => string.Join(", ", names);
            textColumn = ResolveTextColumn(source.Options, names.Contains)
                ?? throw new DataFormatException(source.Path, DataFormatException.AtLine(header.Line),
                    $"missing text column (expected {TextColumnNames(source.Options)}, found columns: {ListNames()})");
            text = IndexOf(textColumn);
            textB = IndexOf(source.Options.TextBColumn);
            id = IndexOf(source.Options.IdColumn);
            label = IndexOf(source.Options.LabelColumn);
            if (label < 0)
            {
                throw new DataFormatException(source.Path, DataFormatException.AtLine(header.Line),
                    $"missing label column (expected \"{source.Options.LabelColumn}\", found columns: {ListNames()})");
            }
        }

        public Fields FieldsOf(DelimitedRecord record)
        {
            var location = DataFormatException.AtLine(record.Line);
            if (record.Error is not null) throw new DataFormatException(source.Path, location, record.Error);
            if (record.Cells.Count != names.Count)
            {
                throw new DataFormatException(source.Path, location,
                    $"wrong number of cells (expected {names.Count}, one per column: {string.Join(", ", names)}; found {record.Cells.Count})");
            }
            string? Cell(int index) => index < 0 ? null : record.Cells[index];
            return new Fields(textColumn, Cell(text), Cell(textB), Cell(label), Cell(id));
        }

        private int IndexOf(string name)
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (names[i] == name) return i;
            }
            return -1;
        }
    }

    private static void Add(RecordCollector<ClassificationExample> collector, Source source, int line, Fields fields)
    {
        var location = DataFormatException.AtLine(line);
        DataFormatException Bad(string problem) => new(source.Path, location, problem);
        var options = source.Options;
        if (fields.Text is null) throw Bad($"missing text (expected a string in \"{fields.TextColumn}\", found null)");
        if (string.IsNullOrWhiteSpace(fields.Text))
        {
            throw Bad($"empty text (expected non-blank text in \"{fields.TextColumn}\", found \"{fields.Text}\")");
        }
        if (fields.TextB is not null && string.IsNullOrWhiteSpace(fields.TextB))
        {
            throw Bad($"empty second text (expected non-blank text in \"{options.TextBColumn}\" or no such field, found \"{fields.TextB}\")");
        }
        if (string.IsNullOrWhiteSpace(fields.Label))
        {
            throw Bad($"missing label (expected a value in \"{options.LabelColumn}\", found {(fields.Label is null ? "none" : $"\"{fields.Label}\"")})");
        }
        if (source.Labels is not null && !source.Labels.TryGetIndex(fields.Label, out _))
        {
            throw Bad($"unknown label (expected one of: {source.Labels.Describe()}; found \"{fields.Label}\")");
        }
        if (fields.Id is { Length: 0 }) throw Bad($"empty id (expected a value in \"{options.IdColumn}\" or no such field, found \"\")");
        var id = fields.Id ?? $"{source.FileName}:{line.ToString(CultureInfo.InvariantCulture)}";
        collector.Add(new ClassificationExample(id, fields.Text, fields.TextB, fields.Label), id, location);
    }

    /// <summary>The text column the record or header has, or null: the configured one, or text_a in place of the default.</summary>
    private static string? ResolveTextColumn(DataReadOptions options, Func<string, bool> has)
    {
        if (has(options.TextColumn)) return options.TextColumn;
        var fallBack = options.TextColumn == DataReadOptions.DefaultTextColumn && has(DataReadOptions.FallbackTextColumn);
        return fallBack ? DataReadOptions.FallbackTextColumn : null;
    }

    private static string TextColumnNames(DataReadOptions options) => options.TextColumn == DataReadOptions.DefaultTextColumn
        ? $"\"{DataReadOptions.DefaultTextColumn}\" or \"{DataReadOptions.FallbackTextColumn}\""
        : $"\"{options.TextColumn}\"";

    private sealed record Source(string Path, string FileName, DataReadOptions Options, LabelSet? Labels);

    /// <summary>A record's raw values, null where the field is absent.</summary>
    private sealed record Fields(string TextColumn, string? Text, string? TextB, string? Label, string? Id);
}
