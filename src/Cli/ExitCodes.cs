namespace Distill.Cli;

/// <summary>
/// Process exit codes shared by the stage executables; the README's "Exit codes" table lists the same names
/// and values (a test compares them).
/// </summary>
internal static class ExitCodes
{
    /// <summary>Done as asked.</summary>
    public const int Success = 0;

    /// <summary>Ran to the end but a check failed (parity above tolerance, a cache that does not verify).</summary>
    public const int CheckFailed = 1;

    /// <summary>Bad command line (System.CommandLine's own code for parse errors).</summary>
    public const int Usage = 2;

    /// <summary>Bad input: data, model, configuration, cache or checkpoint files that are missing, malformed or do not match.</summary>
    public const int BadInput = 3;

    /// <summary>Reading or writing failed (disk full, permission denied, I/O error); what was published before is whole, rerun to resume.</summary>
    public const int IoFailure = 4;

    /// <summary>The runtime could not be set up (e.g. LibTorch's native library did not load) or the run reached a state it cannot go on from.</summary>
    public const int Environment = 5;

    /// <summary>An unexpected exception: a bug, reported with its stack trace.</summary>
    public const int InternalError = 70;

    /// <summary>Cancelled (Ctrl+C, SIGTERM): 128 + SIGINT, as shells report an interrupted command.</summary>
    public const int Cancelled = 130;
}
