using Distill.Tests.Support;

namespace Distill.Tests.Pipelines;

/// <summary>The quickstart answers --help and refuses a wrong argument at once, before it fetches or builds anything.</summary>
public sealed class QuickstartArgumentsTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    [Fact]
    public void Help_PrintsUsageAndStopsBeforeFetchingOrBuilding()
    {
        var run = ScriptRun.Invoke("pipelines/quickstart.sh", Limit, "--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("Usage: quickstart.sh [--small] [--help]", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch-assets:", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("build:", run.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--smal")]
    [InlineData("--small", "extra")]
    public void WrongArguments_ExitTwoWithUsageBeforeFetchingOrBuilding(params string[] args)
    {
        var run = ScriptRun.Invoke("pipelines/quickstart.sh", Limit, args);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("quickstart: ", run.Output, StringComparison.Ordinal);
        Assert.Contains("Usage: quickstart.sh", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fetch-assets:", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("build:", run.Output, StringComparison.Ordinal);
    }
}
