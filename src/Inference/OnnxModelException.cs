using Distill.Errors;

namespace Distill.Inference;

/// <summary>An ONNX file cannot be used as a model: unreadable, or missing an input, output or metadata entry it needs.</summary>
public sealed class OnnxModelException(string message) : Exception(message), IKindedException
{
    public ErrorKind Kind => ErrorKind.BadInput;
}
