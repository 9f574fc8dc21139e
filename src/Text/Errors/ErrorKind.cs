namespace Distill.Errors;

/// <summary>
/// Who can fix a failure, decided where it is thrown (not by the .NET exception type, which says nothing about
/// that: an <see cref="InvalidOperationException"/> may be a bug or a user's mistake). The stage executables map
/// each kind to one exit code.
/// </summary>
public enum ErrorKind
{
    /// <summary>The command line asks for something it cannot mean (a count of 0, a malformed option value): exit 2.</summary>
    Usage,

    /// <summary>Data, model, configuration, cache or checkpoint files that are missing, malformed or do not match: exit 3.</summary>
    BadInput,

    /// <summary>Reading or writing failed (disk full, permission denied, I/O error): exit 4.</summary>
    Io,

    /// <summary>The runtime cannot be set up (a native library that does not load) or the machine refuses what the run needs: exit 5.</summary>
    Environment,

    /// <summary>A state no input should reach: a bug, exit 70 with the stack trace.</summary>
    Internal,
}
