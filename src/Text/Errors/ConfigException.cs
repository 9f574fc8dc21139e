namespace Distill.Errors;

/// <summary>A configuration file or value is invalid; the message names the file and each bad field.</summary>
public sealed class ConfigException(string message) : Exception(message), IKindedException
{
    /// <summary>Always <see cref="ErrorKind.BadInput"/>: the user's configuration must be fixed.</summary>
    public ErrorKind Kind => ErrorKind.BadInput;
}
