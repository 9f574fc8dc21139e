using Distill.Data;

namespace Distill.Tasks;

/// <summary>The counted warnings every data set reports instead of dropping or cutting data silently.</summary>
internal static class DataWarnings
{
    public static IReadOnlyList<string> Of<T>(string source, DataSet<T> set, int truncated, int maxSeqLength, params string[] more)
    {
        var warnings = new List<string>(set.Warnings);
        var skipped = set.SkippedCount;
        if (skipped > 0) warnings.Add($"{source}: skipped {skipped} bad records (--skip-bad)");
        if (truncated > 0) warnings.Add($"{source}: truncated {truncated} inputs to max_seq_length {maxSeqLength}");
        warnings.AddRange(more.Where(m => m.Length > 0));
        return warnings;
    }
}
