namespace Distill.Data;

/// <summary>
/// Gathers one file's examples for a reader: rejects duplicate ids, keeps the reasons of skipped records, and
/// refuses a file that held no record at all (a wrong path or an empty export is likelier than an empty data set).
/// </summary>
internal sealed class RecordCollector<T>(string path)
{
    private readonly List<T> examples = [];
    private readonly List<string> skipped = [];
    private readonly Dictionary<string, string> firstLocationById = new(StringComparer.Ordinal);

    /// <summary>Adds an example, or throws when its id was already used.</summary>
    public void Add(T example, string id, string location)
    {
        if (!firstLocationById.TryAdd(id, location))
        {
            throw new DataFormatException(path, location,
                $"duplicate example id \"{id}\" (expected unique ids, found the same id at {firstLocationById[id]})");
        }
        examples.Add(example);
    }

    public void Skip(DataFormatException error) => skipped.Add(error.Message);

    /// <summary>The lines that held bytes which are not UTF-8, filled by <see cref="DataTextReader"/> as it reads.</summary>
    public List<int> InvalidUtf8Lines { get; } = [];

    /// <param name="emptyLocation">Where an empty file is reported.</param>
    /// <param name="expected">What a record looks like, for the empty-file message.</param>
    public DataSet<T> ToDataSet(string emptyLocation, string expected)
    {
        if (examples.Count == 0 && skipped.Count == 0)
        {
            throw new DataFormatException(path, emptyLocation, $"no examples (expected {expected}, found none)");
        }
        var warning = DataTextReader.Utf8Warning(path, InvalidUtf8Lines);
        return new DataSet<T>(examples, skipped, warning.Length == 0 ? [] : [warning]);
    }
}
