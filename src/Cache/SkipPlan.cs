namespace Distill.Cache;

/// <summary>
/// Which rows of a pass come before its first <see cref="CacheReaderOptions.SkipRows"/> output rows. The
/// pass's order depends only on the shard and group orders and the rows' sizes (<see cref="ShuffleBuffer{T}"/>),
/// so it is replayed from the length columns alone, without checksums or tensors. The pass then turns the
/// skipped rows into empty slots, so its shuffle makes the same moves, and skips shards holding only those
/// rows without opening them.
/// </summary>
internal sealed class SkipPlan
{
    private readonly Dictionary<int, ShardPlan> _shards = [];

    /// <summary>The plan of the shard at manifest position <paramref name="shard"/>; null when the replay stopped before it.</summary>
    public ShardPlan? Shard(int shard) => _shards.GetValueOrDefault(shard);

    public static async Task<SkipPlan> BuildAsync(CacheReader reader, long skipRows, CancellationToken cancellationToken)
    {
        var plan = new SkipPlan();
        var buffer = reader.NewShuffleBuffer<(GroupPlan Group, int Row)>();
        var leaving = new List<(GroupPlan Group, int Row)>();
        long skipped = 0;
        bool Skip()
        {
            foreach (var (group, row) in leaving)
            {
                if (skipped == skipRows)
                {
                    break;
                }
                group.Skip(row);
                skipped++;
            }
            leaving.Clear();
            return skipped == skipRows;
        }
        foreach (int shard in reader.ShardOrder())
        {
            await using var opened = await reader.OpenShardAsync(shard, verify: false, cancellationToken);
            var shardPlan = new ShardPlan(opened.Reader.RowGroupCount);
            plan._shards[shard] = shardPlan;
            foreach (int g in reader.GroupOrder(shard, opened.Reader.RowGroupCount))
            {
                using var rowGroup = opened.Reader.OpenRowGroupReader(g);
                var group = new GroupPlan(await opened.Decoder.ReadLengthsAsync(rowGroup, cancellationToken));
                shardPlan.Groups[g] = group;
                for (int r = 0; r < group.Lengths.Length; r++)
                {
                    if (buffer is null)
                    {
                        leaving.Add((group, r));
                    }
                    else
                    {
                        buffer.Add((group, r), reader.Selection.RowBytes(group.Lengths[r]), leaving);
                    }
                    if (Skip())
                    {
                        return plan;
                    }
                }
            }
        }
        buffer?.Drain(leaving);
        Skip();
        return plan;
    }

    public sealed class ShardPlan(int groups)
    {
        /// <summary>By row group index; null for a group the replay did not reach.</summary>
        public GroupPlan?[] Groups { get; } = new GroupPlan?[groups];

        public bool AllSkipped => Groups.All(g => g is { AllSkipped: true });
    }

    public sealed class GroupPlan(int[] lengths)
    {
        private int _skippedCount;

        public int[] Lengths => lengths;

        /// <summary>By row in file order.</summary>
        public bool[] Skipped { get; } = new bool[lengths.Length];

        public bool AllSkipped => _skippedCount == lengths.Length;

        public void Skip(int row)
        {
            Skipped[row] = true;
            _skippedCount++;
        }

        public RowSlot[] Placeholders(ColumnSelection selection) =>
            lengths.Select(t => new RowSlot(null, selection.RowBytes(t))).ToArray();
    }
}
