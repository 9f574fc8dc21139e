namespace Distill.Tasks;

/// <summary>The counted warnings every data set reports instead of dropping or cutting data silently.</summary>
internal static class DataWarnings
{
    public static IReadOnlyList<string> Of(string source, int skipped, int truncated, int maxSeqLength, params string[] more)
    {
        var warnings = new List<string>();
        if (skipped > 0) warnings.Add($"{source}: skipped {skipped} bad records (--skip-bad)");
        if (truncated > 0) warnings.Add($"{source}: truncated {truncated} inputs to max_seq_length {maxSeqLength}");
        warnings.AddRange(more.Where(m => m.Length > 0));
        return warnings;
    }
}
