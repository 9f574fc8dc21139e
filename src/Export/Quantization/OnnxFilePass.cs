using Distill.Export.Exporting;
using Distill.Onnx;
using Google.Protobuf;
using Onnx;

namespace Distill.Export.Quantization;

/// <summary>Runs a quantization pass from an ONNX file to another: errors name the input file, the output is published with its input's vocab.txt and config.json and a manifest, as one directory.</summary>
public static class OnnxFilePass
{
    public static IReadOnlyList<string> Int8(string input, string output, Int8Options options) =>
        Run(input, output, model => DynamicInt8Quantizer.Quantize(model, options));

    public static IReadOnlyList<string> Float16(string input, string output, Float16Options options) =>
        Run(input, output, model => Float16Converter.Convert(model, options));

    private static IReadOnlyList<string> Run<TReport>(string input, string output, Func<ModelProto, OnnxPassResult<TReport>> pass)
        where TReport : IPassReport
    {
        ExportDirectory.Check(output);
        var model = OnnxGraph.Load(input).Model;
        ModelProto result;
        List<string> lines;
        try
        {
            var rewritten = pass(model);
            (result, lines) = (rewritten.Model, rewritten.Report.Lines().ToList());
        }
        catch (OnnxImportException e)
        {
            throw new OnnxImportException($"{input}: {e.Message}");
        }
        ExportDirectory.Publish(output, stream => result.WriteTo(stream), Path.GetDirectoryName(Path.GetFullPath(input))!, _ => true);
        lines.Add($"wrote {output} ({new FileInfo(output).Length / 1e6:F1} MB)");
        return lines;
    }
}
