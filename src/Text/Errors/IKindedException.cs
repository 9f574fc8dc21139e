namespace Distill.Errors;

/// <summary>An exception that carries the <see cref="ErrorKind"/> its throwing site decided.</summary>
public interface IKindedException
{
    /// <summary>Whose fault the failure is (the user's input, the environment, or a bug), which decides the executables' exit code.</summary>
    ErrorKind Kind { get; }
}
