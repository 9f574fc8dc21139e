using Distill.Errors;

namespace Distill.Inference;

/// <summary>An ONNX file cannot be used as a model: unreadable, or missing an input, output or metadata entry it needs.</summary>
public sealed class OnnxModelException(string message) : Exception(message), IKindedException
{
    /// <summary>Always <see cref="ErrorKind.BadInput"/>: the model file given must be replaced or re-exported.</summary>
    public ErrorKind Kind => ErrorKind.BadInput;
}
