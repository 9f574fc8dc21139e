using Distill.Errors;

namespace Distill.Models;

/// <summary>Weights do not fit the model: the message lists every missing, unexpected or mis-shaped key.</summary>
internal sealed class ModelLoadException(string message) : Exception(message), IKindedException
{
    public ErrorKind Kind => ErrorKind.BadInput;
}
