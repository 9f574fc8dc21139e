namespace Distill.Errors;

/// <summary>
/// A failure whose kind the throwing site states, for places that have no area exception of their own
/// (<see cref="ConfigException"/>, <see cref="Distill.Data.DataFormatException"/> ... carry theirs).
/// </summary>
public sealed class KindedException(ErrorKind kind, string message, Exception? inner = null) : Exception(message, inner), IKindedException
{
    /// <summary>The kind the throwing site stated.</summary>
    public ErrorKind Kind { get; } = kind;
}
