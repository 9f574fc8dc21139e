using Distill.Errors;

namespace Distill.Safetensors;

/// <summary>A <c>.safetensors</c> file is malformed; the message names the file and what was wrong.</summary>
internal sealed class SafetensorsFormatException(string message) : Exception(message), IKindedException
{
    public ErrorKind Kind => ErrorKind.BadInput;
}
