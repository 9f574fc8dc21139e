namespace Distill.Errors;

/// <summary>An exception that carries the <see cref="ErrorKind"/> its throwing site decided.</summary>
public interface IKindedException
{
    ErrorKind Kind { get; }
}
