namespace Distill.Tokenization;

/// <summary>Two adjacent pieces of a word, by id.</summary>
internal readonly record struct PiecePair(int Left, int Right);

/// <summary>
/// The words of a <see cref="WordPieceTrainer"/> run as piece ids, with how often each adjacent pair occurs over all
/// words (each weighted by its count) and which words hold it. A merge rewrites only the words that hold the pair and
/// updates the counts by the difference, so a run costs about the merged words' length per merge, not the corpus's.
/// </summary>
internal sealed class PairCounts
{
    private readonly int[][] words;
    private readonly long[] weights;
    private readonly Dictionary<PiecePair, long> counts = [];
    private readonly Dictionary<PiecePair, HashSet<int>> holders = [];

    // Most frequent first, then the lower left id, then the lower right id. Every change of a count queues the pair
    // with its new count, so an entry whose count is no longer the pair's is stale and dropped when it comes up.
    private readonly PriorityQueue<PiecePair, (long Count, PiecePair Pair)> queue = new(Comparer<(long Count, PiecePair Pair)>.Create((x, y) =>
        y.Count != x.Count ? y.Count.CompareTo(x.Count)
        : x.Pair.Left != y.Pair.Left ? x.Pair.Left.CompareTo(y.Pair.Left)
        : x.Pair.Right.CompareTo(y.Pair.Right)));

    public PairCounts(int[][] words, long[] weights)
    {
        this.words = words;
        this.weights = weights;
        var changes = new Dictionary<PiecePair, long>();
        for (var w = 0; w < words.Length; w++) Tally(w, +1, changes);
        Apply(changes);
    }

    /// <summary>The pair to merge next and its count; false when no pair is left.</summary>
    public bool TryTakeMostFrequent(out PiecePair pair, out long count)
    {
        while (queue.TryDequeue(out pair, out var queued))
        {
            count = counts.GetValueOrDefault(pair);
            if (count == queued.Count) return true;
        }
        count = 0;
        return false;
    }

    /// <summary>Replaces every occurrence of <paramref name="pair"/>, left to right, by the piece <paramref name="merged"/>.</summary>
    public void Merge(PiecePair pair, int merged)
    {
        var changes = new Dictionary<PiecePair, long>();
        holders.Remove(pair, out var holding);
        foreach (var w in holding!)
        {
            Tally(w, -1, changes);
            words[w] = Replace(words[w], pair, merged);
            Tally(w, +1, changes);
        }
        Apply(changes);
    }

    private void Tally(int w, int sign, Dictionary<PiecePair, long> changes)
    {
        var pieces = words[w];
        for (var i = 0; i + 1 < pieces.Length; i++)
        {
            var pair = new PiecePair(pieces[i], pieces[i + 1]);
            changes[pair] = changes.GetValueOrDefault(pair) + sign * weights[w];
            if (sign < 0) continue;
            if (!holders.TryGetValue(pair, out var holding)) holders[pair] = holding = [];
            holding.Add(w);
        }
    }

    private void Apply(Dictionary<PiecePair, long> changes)
    {
        foreach (var (pair, change) in changes)
        {
            if (change == 0) continue;
            var count = counts.GetValueOrDefault(pair) + change;
            counts[pair] = count;
            if (count > 0) queue.Enqueue(pair, (count, pair));
        }
    }

    private static int[] Replace(int[] pieces, PiecePair pair, int merged)
    {
        var result = new List<int>(pieces.Length);
        for (var i = 0; i < pieces.Length; i++)
        {
            if (i + 1 < pieces.Length && pieces[i] == pair.Left && pieces[i + 1] == pair.Right)
            {
                result.Add(merged);
                i++;
            }
            else
            {
                result.Add(pieces[i]);
            }
        }
        return result.ToArray();
    }
}
