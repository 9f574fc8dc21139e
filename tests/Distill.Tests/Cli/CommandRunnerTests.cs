using System.CommandLine;
using System.Reflection;
using System.Text.RegularExpressions;
using Distill.Cache;
using Distill.Cli;
using Distill.Data;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>How a command's failure reaches the user: one "error:" line and a documented exit code.</summary>
public sealed partial class CommandRunnerTests
{
    private static CliRun Failing(Exception exception)
    {
        var command = new Command("fail");
        command.SetAction((_, _) => Task.FromException<int>(exception));
        return CliRun.Invoke(new RootCommand { command }, "fail");
    }

    private static RootCommand CountRoot()
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
        var run = CliRun.Invoke(CountRoot(), args);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.NotEmpty(run.Error);
    }

    [Fact]
    public void RunAsync_ActionResult_IsTheExitCode()
    {
        Assert.Equal(ExitCodes.CheckFailed, CliRun.Invoke(CountRoot(), "run", "--count", "0").ExitCode);
        Assert.Equal(ExitCodes.Success, CliRun.Invoke(CountRoot(), "run", "--count", "2").ExitCode);
    }

    public static TheoryData<Exception, int> UserFailures => new()
    {
        { new InvalidDataException("OUT/checkpoints/step-00000010/trainer_state.json: empty trainer state"), ExitCodes.BadInput },
        { new CacheFormatException("CACHE/manifest.json: shards[0]: sha256 must be 64 hex digits"), ExitCodes.BadInput },
        { new DataFormatException("train.jsonl", "line 2", "unknown label"), ExitCodes.BadInput },
        { new FileNotFoundException("data file x.jsonl does not exist"), ExitCodes.BadInput },
        { new Distill.Inference.OnnxModelException("model.onnx: metadata \"task\": expected one of classification, tagging, qa, encoder, found \"ner\""), ExitCodes.BadInput },
        { new IOException("No space left on device : '/mnt/cache/.part-00000.parquet.tmp'"), ExitCodes.IoFailure },
        { new UnauthorizedAccessException("Access to the path '/cache' is denied."), ExitCodes.IoFailure },
        { new Distill.Errors.KindedException(Distill.Errors.ErrorKind.Environment, "LibTorch failed to load: libtorch.so not found"), ExitCodes.Environment },
        { new OperationCanceledException(), ExitCodes.Cancelled },
    };

    [Theory]
    [MemberData(nameof(UserFailures))]
    public void RunAsync_UserCausedFailure_OneErrorLineAndItsExitCode(Exception exception, int expected)
    {
        var run = Failing(exception);

        Assert.Equal(expected, run.ExitCode);
        var line = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith(exception is OperationCanceledException ? "cancelled" : $"error: {exception.Message}", line);
    }

    [Fact]
    public void RunAsync_UnexpectedException_SaysItIsABugWithTheStackTrace()
    {
        var run = Failing(new NullReferenceException("Object reference not set to an instance of an object."));

        Assert.Equal(ExitCodes.InternalError, run.ExitCode);
        Assert.StartsWith("error: unexpected NullReferenceException: Object reference not set", run.Error);
        Assert.Contains("this is a bug", run.Error);
    }

    [Fact]
    public void ExitCodes_ReadmeTable_ListsEveryCodeWithItsName()
    {
        var constants = typeof(ExitCodes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).ToDictionary(f => f.Name, f => (int)f.GetRawConstantValue()!);
        var readme = File.ReadAllText(Path.Combine(TestAssets.RepositoryRoot, "README.md"));
        var section = readme[readme.IndexOf("## Exit codes", StringComparison.Ordinal)..];
        section = section[..section.IndexOf("\n## ", 3, StringComparison.Ordinal)];

        var rows = TableRow().Matches(section).ToDictionary(m => m.Groups[2].Value, m => int.Parse(m.Groups[1].Value));

        Assert.Equal(constants.OrderBy(kv => kv.Value), rows.OrderBy(kv => kv.Value));
    }

    [GeneratedRegex(@"^\| (\d+) \| `(\w+)` \|", RegexOptions.Multiline)]
    private static partial Regex TableRow();
}
