using System.CommandLine;
using Distill.Cache;
using Distill.Cli;

namespace Distill.CacheTeacher.Commands;

/// <summary><c>verify</c>: checks a cache against its manifest, and optionally against the data and teacher it claims.</summary>
internal sealed class VerifyCommand : Command
{
    private readonly Argument<DirectoryInfo> cache = new("CACHE_DIR") { Description = "the cache directory" };
    private readonly Option<string?> data = new("--data") { Description = "also check that the cache was made from this data file (with the reader settings it records)" };
    private readonly Option<string?> model = new("--model") { Description = "also check that the cache was made by this teacher: a model directory, or an ONNX file with its config.json and vocab.txt beside it" };

    public VerifyCommand() : base("verify", "Check the manifest and every shard's checksum, size, row count, schema and feature ids; exit 1 listing every problem")
    {
        Arguments.Add(cache);
        Options.Add(data);
        Options.Add(model);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellation)
    {
        var dir = parse.GetValue(cache)!.FullName;
        var problems = await CacheVerifier.VerifyAsync(dir, parse.GetValue(data), parse.GetValue(model), cancellation);
        foreach (var problem in problems) parse.InvocationConfiguration.Error.WriteLine($"verify: {problem}");
        if (problems.Count > 0)
        {
            parse.InvocationConfiguration.Output.WriteLine($"verify: {dir}: {problems.Count} problems");
            return ExitCodes.CheckFailed;
        }
        var manifest = CacheManifest.Load(Path.Combine(dir, CacheManifest.FileName));
        parse.InvocationConfiguration.Output.WriteLine($"verify: {dir}: {manifest.Shards.Count} shards, {manifest.TotalRows} rows, all good");
        return ExitCodes.Success;
    }
}
