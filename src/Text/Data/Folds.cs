using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Distill.Data;

/// <summary>One fold of a k-fold split: the held-out part to evaluate on, and the rest cut into a training part and a
/// selection part (the dev set that picks the checkpoint), so that nothing trained or selected reads the held-out part.</summary>
internal sealed record FoldParts<T>(IReadOnlyList<T> Train, IReadOnlyList<T> Select, IReadOnlyList<T> Held);

/// <summary>
/// Deterministic k-fold splits for cross-validation. Items are ranked by a hash of the seed and their id (not by
/// their position), so an item's fold depends only on the seed, its id and how many items there are; fold sizes differ
/// by at most one. The selection part of a fold is the first share of its training items in the same ranking.
/// </summary>
internal static class Folds
{
    /// <summary>The fold (0 … <paramref name="folds"/> − 1) of each item, in the items' order.</summary>
    public static int[] Assign(IReadOnlyList<string> ids, int folds, int seed)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var duplicate = ids.GroupBy(id => id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"ids must be unique to split into folds (found \"{duplicate.Key}\" {duplicate.Count()} times)", nameof(ids));
        }
        if (ids.Count < folds)
        {
            throw new ArgumentException($"{folds} folds need at least {folds} items (found {ids.Count})", nameof(ids));
        }
        var fold = new int[ids.Count];
        var rank = 0;
        foreach (var position in Ranking(ids, seed)) fold[position] = rank++ % folds;
        return fold;
    }

    /// <summary>Fold <paramref name="fold"/> of the items: held out are its items; of the others, the first
    /// <paramref name="selectShare"/> (rounded, at least one) in the seeded ranking form the selection part. Every part
    /// keeps the items' order.</summary>
    public static FoldParts<T> Split<T>(IReadOnlyList<T> items, Func<T, string> id, int folds, int fold, double selectShare, int seed)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(id);
        ArgumentOutOfRangeException.ThrowIfNegative(fold);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(fold, folds);
        if (selectShare is <= 0 or >= 1) throw new ArgumentOutOfRangeException(nameof(selectShare), selectShare, "the selection share must be in (0, 1)");
        var ids = items.Select(id).ToList();
        var assigned = Assign(ids, folds, seed);
        var rest = Ranking(ids, seed).Where(position => assigned[position] != fold).ToList();
        var selectCount = Math.Max(1, (int)Math.Round(rest.Count * selectShare, MidpointRounding.AwayFromZero));
        var selected = rest.Take(selectCount).ToHashSet();
        var parts = Enumerable.Range(0, items.Count).ToLookup(p => assigned[p] == fold ? 2 : selected.Contains(p) ? 1 : 0);
        IReadOnlyList<T> Part(int key) => parts[key].Select(p => items[p]).ToList();
        return new FoldParts<T>(Part(0), Part(1), Part(2));
    }

    /// <summary>Positions ordered by the first 8 bytes (big-endian) of SHA-256("seed:id"), the same on every machine, then by id (a tie is all but impossible).</summary>
    private static IEnumerable<int> Ranking(IReadOnlyList<string> ids, int seed) =>
        Enumerable.Range(0, ids.Count)
            .Select(p => (Position: p, Key: BinaryPrimitives.ReadUInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}:{ids[p]}")))))
            .OrderBy(x => x.Key).ThenBy(x => ids[x.Position], StringComparer.Ordinal)
            .Select(x => x.Position);
}
