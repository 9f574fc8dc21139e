using Distill.Errors;

namespace Distill.Onnx;

/// <summary>An ONNX model cannot be read or mapped; the message says what was expected and what was found.</summary>
internal sealed class OnnxImportException(string message) : Exception(message), IKindedException
{
    public ErrorKind Kind => ErrorKind.BadInput;
}
