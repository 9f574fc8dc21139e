using Onnx;

namespace Distill.Onnx;

/// <summary>Reads an .onnx file into OnnxSharp's protobuf classes, with one clear error for a file that is not ONNX.</summary>
internal static class OnnxModelFile
{
    public static ModelProto Read(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"ONNX model {path} does not exist", path);
        try
        {
            using var stream = File.OpenRead(path);
            var model = ModelProto.Parser.ParseFrom(stream);
            // Protobuf reads any bytes that happen to parse (even an empty file) as a model without a graph.
            if (model.Graph is null)
            {
                throw new OnnxImportException($"{path}: not an ONNX model (no graph in it)");
            }
            return model;
        }
        catch (Google.Protobuf.InvalidProtocolBufferException e)
        {
            throw new OnnxImportException($"{path}: not an ONNX model ({e.Message})");
        }
    }
}
