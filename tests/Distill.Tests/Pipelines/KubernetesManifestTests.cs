using Distill.Tests.Support;

namespace Distill.Tests.Pipelines;

/// <summary>The manifests of <c>pipelines/k8s</c> against the Kubernetes API schemas (<c>validate.sh</c>).</summary>
public sealed class KubernetesManifestTests
{
    private const string Validate = "pipelines/k8s/validate.sh";
    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(3);

    [SkippableFact]
    public void Validate_RepositoryManifests_EveryJobValid()
    {
        var run = ScriptRun.Invoke(Validate, Limit);

        run.SkipIfSkipped();
        Assert.True(run.ExitCode == 0, run.Output);
        Assert.Contains("Job distill-cache: valid", run.Output, StringComparison.Ordinal);
        Assert.Contains("Job distill-merge: valid", run.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Validate_WrongTypeAndUnknownEnum_NamesEachField()
    {
        using var dir = new TemporaryDirectory();
        var broken = dir.Write("broken.yaml", CacheJob()
            .Replace("completions: 3", "completions: \"3\"", StringComparison.Ordinal)
            .Replace("restartPolicy: Never", "restartPolicy: Sometimes", StringComparison.Ordinal));

        var run = ScriptRun.Invoke(Validate, Limit, broken);

        run.SkipIfSkipped();
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("spec/completions must be integer", run.Output, StringComparison.Ordinal);
        Assert.Contains("spec/template/spec/restartPolicy must be equal to one of the allowed values", run.Output, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void Validate_CompletionsUnlikeNumShards_NamesTheMismatch()
    {
        using var dir = new TemporaryDirectory();
        var broken = dir.Write("broken.yaml", CacheJob().Replace("completions: 3", "completions: 4", StringComparison.Ordinal));

        var run = ScriptRun.Invoke(Validate, Limit, broken);

        run.SkipIfSkipped();
        Assert.Equal(1, run.ExitCode);
        Assert.Contains("container cache-teacher: NUM_SHARDS must equal spec.completions (4), found 3", run.Output, StringComparison.Ordinal);
    }

    private static string CacheJob() => File.ReadAllText(Path.Combine(TestAssets.RepositoryRoot, "pipelines", "k8s", "cache-job.yaml"));
}
