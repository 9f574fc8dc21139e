using Distill.Export.Exporting;
using Distill.Inference;
using Distill.Onnx;
using Google.Protobuf;
using Onnx;

namespace Distill.Export.Quantization;

/// <summary>Runs a quantization pass from an ONNX file to another: errors name the input file, the output is published with its input's vocab.txt, config.json and tokenizer files and a manifest, as one directory (an export directory's, when it goes into its onnx/ folder).</summary>
internal static class OnnxFilePass
{
    public static IReadOnlyList<string> Int8(string input, string output, Int8Options options) =>
        Run(input, output, model => DynamicInt8Quantizer.Quantize(model, options));

    /// <summary>Static int8 (QDQ): the activation ranges from running <paramref name="input"/> over <paramref name="batches"/>.</summary>
    public static IReadOnlyList<string> StaticInt8(string input, string output, Int8Options options, IReadOnlyList<CalibrationBatch> batches, CalibrationOptions calibration) =>
        Run(input, output, model => StaticInt8Quantizer.Quantize(model, ActivationCalibrator.Collect(model, StaticInt8Quantizer.Activations(model), batches, calibration), options));

    public static IReadOnlyList<string> Float16(string input, string output, Float16Options options) =>
        Run(input, output, model => Float16Converter.Convert(model, options));

    private static IReadOnlyList<string> Run<TReport>(string input, string output, Func<ModelProto, OnnxPassResult<TReport>> pass)
        where TReport : IPassReport
    {
        var (directory, name) = ExportDirectory.Target(output);
        ExportDirectory.Check(directory, name);
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
        ExportDirectory.Publish(directory, name, stream => result.WriteTo(stream), ExportDirectory.CopiesOf(ExportLayout.FilesDirectory(input)), _ => true);
        lines.Add($"wrote {output} ({new FileInfo(output).Length / 1e6:F1} MB)");
        return lines;
    }
}
