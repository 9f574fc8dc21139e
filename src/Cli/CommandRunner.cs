using System.CommandLine;

namespace Distill.Cli;

/// <summary>
/// Runs a stage's command line. Every failure a user can cause (bad input, a full disk, a runtime that cannot
/// load, a cancel) becomes one "error:" line and its <see cref="ExitCodes"/> value, not a stack trace; only an
/// unexpected exception, a bug, also prints its stack trace.
/// </summary>
internal static class CommandRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        try
        {
            CountOptions.Apply(root);
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
            var parse = root.Parse(args);
            var code = await parse.InvokeAsync(configuration);
            // System.CommandLine prints parse errors with the help and exits 1, which is CheckFailed here.
            return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
        }
        catch (Exception thrown)
        {
            var e = ErrorKinds.Unwrap(thrown);
            if (e is OperationCanceledException)
            {
                await error.WriteLineAsync("cancelled");
                return ExitCodes.Cancelled;
            }
            var code = ErrorKinds.ExitCode(ErrorKinds.Of(e));
            await error.WriteLineAsync(code == ExitCodes.InternalError
                ? $"error: unexpected {e.GetType().Name}: {e.Message} (this is a bug; please report it with this stack trace)\n{e.StackTrace}"
                : $"error: {e.Message}");
            return code;
        }
    }

    /// <summary>The <c>--threads</c> option every stage takes (LibTorch and ONNX Runtime CPU threads).</summary>
    public static Option<int> ThreadsOption() => new("--threads")
    {
        Description = "CPU threads for LibTorch and ONNX Runtime (1 keeps runs steady on shared machines)",
        DefaultValueFactory = _ => 1,
    };
}
