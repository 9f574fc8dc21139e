using System.CommandLine;
using Distill.Cli;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

public sealed class CommandRunnerTests
{
    private static RootCommand Root()
    {
        var count = new Option<int>("--count") { Required = true };
        var command = new Command("run") { count };
        command.SetAction(parse => parse.GetValue(count) > 0 ? ExitCodes.Success : ExitCodes.CheckFailed);
        return new RootCommand("test") { command };
    }

    [Theory]
    [InlineData("run", "--count", "x")]
    [InlineData("run")]
    [InlineData("run", "--count", "1", "--unknown")]
    public void RunAsync_ParseError_ExitsWithUsage(params string[] args)
    {
        var run = CliRun.Invoke(Root(), args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.NotEmpty(run.Error);
    }

    [Fact]
    public void RunAsync_ActionResult_IsTheExitCode()
    {
        Assert.Equal(ExitCodes.CheckFailed, CliRun.Invoke(Root(), "run", "--count", "0").ExitCode);
        Assert.Equal(ExitCodes.Success, CliRun.Invoke(Root(), "run", "--count", "2").ExitCode);
    }
}
