using Distill.Errors;

namespace Distill.Cli;

/// <summary>
/// The <see cref="ErrorKind"/> of a failure and its exit code. The kind is the one its throwing site stated
/// (<see cref="IKindedException"/>); the few framework types that say who is at fault on their own keep
/// theirs (a missing file is the caller's, any other I/O failure the machine's). Everything else is a bug:
/// an <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/> says only that code reached
/// a state it should not, so a site that throws one for a user's mistake states the kind instead.
/// </summary>
internal static class ErrorKinds
{
    public static ErrorKind Of(Exception exception) => exception switch
    {
        IKindedException kinded => kinded.Kind,
        FileNotFoundException or DirectoryNotFoundException or InvalidDataException => ErrorKind.BadInput,
        IOException or UnauthorizedAccessException => ErrorKind.Io,
        _ => ErrorKind.Internal,
    };

    public static int ExitCode(ErrorKind kind) => kind switch
    {
        ErrorKind.Usage => ExitCodes.Usage,
        ErrorKind.BadInput => ExitCodes.BadInput,
        ErrorKind.Io => ExitCodes.IoFailure,
        ErrorKind.Environment => ExitCodes.Environment,
        ErrorKind.Internal => ExitCodes.InternalError,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// The failure to report: the only inner exception of an <see cref="AggregateException"/> (a parallel loop's,
    /// a task's) or the cause of a <see cref="TypeInitializationException"/> (a static field read from the
    /// environment), whose own types say nothing.
    /// </summary>
    public static Exception Unwrap(Exception exception)
    {
        while (true)
        {
            switch (exception)
            {
                case AggregateException aggregate when aggregate.Flatten().InnerExceptions is [var single]:
                    exception = single;
                    break;
                case TypeInitializationException { InnerException: { } cause }:
                    exception = cause;
                    break;
                default:
                    return exception;
            }
        }
    }
}
