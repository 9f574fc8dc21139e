using System.CommandLine;
using Distill.Cli;

namespace Distill.Tests.Support;

/// <summary>A real command line parsed and run in-process, with its output captured.</summary>
public sealed record CliRun(int ExitCode, string Output, string Error)
{
    public static CliRun Invoke(RootCommand root, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = CommandRunner.RunAsync(root, args, output, error).GetAwaiter().GetResult();
        return new CliRun(code, output.ToString(), error.ToString());
    }
}
