using Distill.Models;
using Distill.Errors;

namespace Distill.TeacherCaching;

/// <summary>
/// How features are cut into shards and shards dealt to cluster jobs. Shard k holds features
/// [k × rows, (k + 1) × rows) in data order; job i of N writes the shards with k mod N = i. Both depend only
/// on the data and the numbers given, so every job, and every rerun, agrees without talking to the others.
/// </summary>
internal sealed record ShardPlan(int Features, int RowsPerShard, int Jobs, int Job)
{
    public int ShardCount => (Features + RowsPerShard - 1) / RowsPerShard;

    public IEnumerable<int> ShardsOfJob => Enumerable.Range(0, ShardCount).Where(k => k % Jobs == Job);

    public (int Start, int Count) Slice(int shard)
    {
        var start = shard * RowsPerShard;
        return (start, Math.Min(RowsPerShard, Features - start));
    }

    public void Validate()
    {
        if (RowsPerShard < 1) throw new ConfigException($"--rows-per-shard must be at least 1, found {RowsPerShard}");
        if (Jobs < 1) throw new ConfigException($"--num-shards must be at least 1, found {Jobs}");
        if (Job < 0 || Job >= Jobs) throw new ConfigException($"--shard-index must be in [0, {Jobs}), found {Job}");
    }
}
