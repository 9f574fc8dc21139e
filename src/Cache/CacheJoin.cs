namespace Distill.Cache;

/// <summary>Checks that a cache covers exactly the features a training run wants, before any step is taken.</summary>
internal static class CacheJoin
{
    private const int Listed = 10;

    /// <summary>
    /// Throws a <see cref="CacheFormatException"/> listing (up to 10 of) the ids only in the cache, only
    /// among the wanted ones, and repeated in the cache, with counts; returns when both sides match.
    /// </summary>
    public static void Check(IEnumerable<string> cacheIds, IEnumerable<string> wantedIds)
    {
        ArgumentNullException.ThrowIfNull(cacheIds);
        ArgumentNullException.ThrowIfNull(wantedIds);
        var cache = new HashSet<string>(StringComparer.Ordinal);
        var repeated = new List<string>();
        foreach (var id in cacheIds)
        {
            if (!cache.Add(id))
            {
                repeated.Add(id);
            }
        }
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var onlyWanted = new List<string>();
        foreach (var id in wantedIds)
        {
            if (wanted.Add(id) && !cache.Contains(id))
            {
                onlyWanted.Add(id);
            }
        }
        var onlyCache = cache.Where(id => !wanted.Contains(id)).ToList();
        if (onlyCache.Count == 0 && onlyWanted.Count == 0 && repeated.Count == 0)
        {
            return;
        }
        var parts = new List<string>();
        if (onlyCache.Count > 0)
        {
            parts.Add($"{onlyCache.Count} id(s) only in the cache: {Sample(onlyCache)}");
        }
        if (onlyWanted.Count > 0)
        {
            parts.Add($"{onlyWanted.Count} id(s) only in the data: {Sample(onlyWanted)}");
        }
        if (repeated.Count > 0)
        {
            parts.Add($"{repeated.Count} repeated id(s) in the cache: {Sample(repeated)}");
        }
        throw new CacheFormatException(
            $"The cache does not match the data ({cache.Count} cached, {wanted.Count} wanted): {string.Join("; ", parts)}. "
            + "The cache was built from other data or reader settings (max length, stride); rebuild it with cache-teacher.");
    }

    internal static string Sample(IReadOnlyList<string> ids) =>
        string.Join(", ", ids.Take(Listed).Select(id => $"\"{id}\"")) + (ids.Count > Listed ? ", ..." : "");
}
