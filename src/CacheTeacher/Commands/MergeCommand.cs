using System.CommandLine;
using Distill.CacheTeacher.Caching;

namespace Distill.CacheTeacher.Commands;

/// <summary><c>merge</c>: one manifest from the manifests of a sharded run's jobs.</summary>
internal sealed class MergeCommand : Command
{
    private readonly Argument<DirectoryInfo> cache = new("CACHE_DIR") { Description = "the cache directory all jobs wrote into" };

    public MergeCommand() : base("merge", "Combine the job manifests of a sharded run (--num-shards) into manifest.json, checking that no job or shard is missing or duplicated")
    {
        Arguments.Add(cache);
        SetAction((parse, _) =>
        {
            var path = CacheMerge.Execute(parse.GetValue(cache)!.FullName);
            parse.InvocationConfiguration.Output.WriteLine($"merge: wrote {path}");
            return Task.FromResult(0);
        });
    }
}
