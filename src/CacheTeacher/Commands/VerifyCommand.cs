using System.CommandLine;
using Distill.Cache;
using Distill.CacheTeacher.Caching;
using Distill.Cli;

namespace Distill.CacheTeacher.Commands;

/// <summary><c>verify</c>: checks a cache against its manifest, and optionally against the data and teacher it claims.</summary>
internal sealed class VerifyCommand : Command
{
    private readonly Argument<DirectoryInfo> cache = new("CACHE_DIR") { Description = "the cache directory" };
    private readonly Option<string?> data = new("--data") { Description = "also check that the cache was made from this data file (with the reader settings it records)" };
    private readonly Option<string?> model = new("--model") { Description = "also check that the cache was made by this teacher model directory" };

    public VerifyCommand() : base("verify", "Check every shard's checksum, size, row count and schema against the manifest; exit 1 naming every bad shard")
    {
        Arguments.Add(cache);
        Options.Add(data);
        Options.Add(model);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellation)
    {
        var dir = parse.GetValue(cache)!.FullName;
        var log = parse.InvocationConfiguration.Output;
        var problems = (await CacheVerifier.VerifyAsync(dir, cancellation)).ToList();
        var manifest = CacheManifest.Load(Path.Combine(dir, CacheManifest.FileName));
        if (parse.GetValue(data) is { } dataFile)
        {
            if (CacheIdentity.Data(dataFile, CacheIdentity.DataSettingsFrom(manifest.Data.ReaderSettings)) != manifest.Data.Identity) problems.Add($"data: {dataFile} is not the data this cache was made from");
        }
        if (parse.GetValue(model) is { } modelDir)
        {
            if (CacheIdentity.TorchTeacher(modelDir) != manifest.Teacher.Identity) problems.Add($"teacher: {modelDir} is not the teacher this cache was made by");
        }
        foreach (var problem in problems) parse.InvocationConfiguration.Error.WriteLine($"verify: {problem}");
        log.WriteLine(problems.Count == 0
            ? $"verify: {dir}: {manifest.Shards.Count} shards, {manifest.TotalRows} rows, all good"
            : $"verify: {dir}: {problems.Count} problems");
        return problems.Count == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
    }
}
