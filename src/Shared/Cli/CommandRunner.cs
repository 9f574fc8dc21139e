using System.CommandLine;
using Distill.Cache;
using Distill.Data;
using Distill.Inference;
using Distill.Models;
using Distill.Onnx;
using Distill.Safetensors;

namespace Distill.Cli;

/// <summary>Runs a stage's command line: bad input becomes one "error:" line and <see cref="ExitCodes.BadInput"/>, not a stack trace.</summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(RootCommand root, string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        try
        {
            var configuration = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error };
            var parse = root.Parse(args);
            var code = await parse.InvokeAsync(configuration);
            // System.CommandLine prints parse errors with the help and exits 1, which is CheckFailed here.
            return parse.Errors.Count > 0 ? ExitCodes.Usage : code;
        }
        catch (Exception e) when (e is ConfigException or ModelLoadException or SafetensorsFormatException or OnnxImportException
                                      or OnnxModelException
                                      or DataFormatException or CacheFormatException or FileNotFoundException or DirectoryNotFoundException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.BadInput;
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync("cancelled");
            return ExitCodes.CheckFailed;
        }
    }

    /// <summary>The <c>--threads</c> option every stage takes (LibTorch and ONNX Runtime CPU threads).</summary>
    public static Option<int> ThreadsOption() => new("--threads")
    {
        Description = "CPU threads for LibTorch and ONNX Runtime (1 keeps runs steady on shared machines)",
        DefaultValueFactory = _ => 1,
    };
}
