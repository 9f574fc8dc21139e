namespace Distill.Data;

/// <summary>The examples read from one file, and the bad records left out when <see cref="DataReadOptions.SkipBad"/> was set.</summary>
internal sealed class DataSet<T>(IReadOnlyList<T> examples, IReadOnlyList<string> skippedReasons, IReadOnlyList<string>? warnings = null)
{
    public IReadOnlyList<T> Examples { get; } = examples;

    /// <summary>How many records were skipped.</summary>
    public int SkippedCount => SkippedReasons.Count;

    /// <summary>Per skipped record, the message of the <see cref="DataFormatException"/> it would have raised.</summary>
    public IReadOnlyList<string> SkippedReasons { get; } = skippedReasons;

    /// <summary>What was read but not as written (bytes that are not UTF-8), one line per problem naming the file and lines.</summary>
    public IReadOnlyList<string> Warnings { get; } = warnings ?? [];
}
