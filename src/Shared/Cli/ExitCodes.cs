namespace Distill.Cli;

/// <summary>Process exit codes shared by the stage executables.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    /// <summary>Ran to the end but a check failed (e.g. parity above tolerance).</summary>
    public const int CheckFailed = 1;
    /// <summary>Bad command line (System.CommandLine's own code for parse errors).</summary>
    public const int Usage = 2;
    /// <summary>Bad input data, model or configuration.</summary>
    public const int BadInput = 3;
}
