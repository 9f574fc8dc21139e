using System.Globalization;
using System.Text.RegularExpressions;

namespace Distill.Cache;

/// <summary>
/// Shard file names: <c>part-NNNNN.parquet</c>, optionally with more dash-separated number groups
/// (<c>part-00002-00017.parquet</c> for job 2 of a sharded run). Plain names only, so that a manifest can
/// never point a reader outside its cache directory.
/// </summary>
internal static partial class CacheShardNames
{
    /// <summary>The glob that matches shard files in a cache directory.</summary>
    public const string Glob = "part-*.parquet";

    /// <summary>The name of shard <paramref name="index"/>: <c>part-00000.parquet</c>, ...</summary>
    public static string For(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        return string.Create(CultureInfo.InvariantCulture, $"part-{index:D5}.parquet");
    }

    /// <summary>Why <paramref name="name"/> is not a valid shard name, or null when it is.</summary>
    internal static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "is empty";
        }
        if (Path.IsPathRooted(name) || name.StartsWith('/') || name.StartsWith('\\'))
        {
            return "is an absolute path; shard names are plain file names inside the cache directory";
        }
        if (name.Contains("..", StringComparison.Ordinal))
        {
            return "contains \"..\"; shard names are plain file names inside the cache directory";
        }
        if (name.Contains('/') || name.Contains('\\'))
        {
            return "contains a directory separator; shard names are plain file names inside the cache directory";
        }
        if (!Pattern().IsMatch(name))
        {
            return "does not match part-NNNNN.parquet (five or more digits, optionally more -NNNNN groups)";
        }
        return null;
    }

    // \A and \z: "$" would also match before a trailing newline.
    [GeneratedRegex(@"\Apart-[0-9]{5,}(-[0-9]{5,})*\.parquet\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
