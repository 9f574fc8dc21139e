using Distill.Export.Quantization;
using Onnx;

namespace Distill.Export.Exporting;

/// <summary>
/// The numeric form of the exported graph, and how its parity with our float32 model is judged. Float32 must match
/// to <see cref="ExportRequest.DefaultAtol"/>; int8 and fp16 change the numbers by design, so they are judged mainly by
/// whether the decisions (classes, tags, span ends) stay the same, with a loose bound on the values.
/// </summary>
internal enum ExportPrecision
{
    Float32,
    Int8,
    Float16,
}

internal static class ExportPrecisions
{
    /// <summary>Largest absolute difference accepted by default: int8 logits moved up to 0.28 on the polarity dev set, fp16 0.001.</summary>
    public static double DefaultAtol(this ExportPrecision precision) => precision switch
    {
        ExportPrecision.Int8 => 1.0,
        ExportPrecision.Float16 => 0.05,
        _ => ExportRequest.DefaultAtol,
    };

    /// <summary>Smallest argmax agreement accepted on the built-in inputs (a few dozen decisions, so one flip costs
    /// a few percent for int8); null for float32, which is judged by the difference alone.</summary>
    public static double? MinAgreement(this ExportPrecision precision) => precision switch
    {
        ExportPrecision.Int8 => 0.9,
        ExportPrecision.Float16 => 1.0,
        _ => null,
    };

    /// <summary>The rewrite that makes the precision, run before any ONNX Runtime optimisation (which would turn the
    /// head's MatMul + Add into a Gemm the int8 pass leaves in float). Int8 is static (QDQ, activation scales from
    /// <paramref name="calibration"/>) when calibration is given, else dynamic (scales computed per batch at run time).</summary>
    public static GraphPass? Pass(this ExportPrecision precision, Action<string> log, Int8Calibration? calibration = null, Int8Options? int8 = null) => precision switch
    {
        ExportPrecision.Int8 when calibration is not null => Logged("int8 static", model => StaticInt8Quantizer.Quantize(model, calibration.Ranges(model, log), int8), log),
        ExportPrecision.Int8 => Logged("int8 dynamic", model => DynamicInt8Quantizer.Quantize(model, int8), log),
        ExportPrecision.Float16 => Logged("fp16", model => Float16Converter.Convert(model), log),
        _ => null,
    };

    private static GraphPass Logged<TReport>(string name, Func<ModelProto, OnnxPassResult<TReport>> pass, Action<string> log)
        where TReport : IPassReport => new(name, model =>
        {
            var result = pass(model);
            foreach (var line in result.Report.Lines()) log($"export: {line}");
            return result.Model;
        });
}

/// <summary>What static int8 is calibrated on, and how the ranges are taken.</summary>
internal sealed record Int8Calibration(IReadOnlyList<CalibrationBatch> Batches, CalibrationOptions Options)
{
    /// <summary>The range of every activation <see cref="StaticInt8Quantizer"/> needs, from running <paramref name="model"/> over the batches.</summary>
    public IReadOnlyDictionary<string, ActivationRange> Ranges(ModelProto model, Action<string> log)
    {
        var ranges = ActivationCalibrator.Collect(model, StaticInt8Quantizer.Activations(model), Batches, Options);
        var method = Options.Method == CalibrationMethod.Percentile ? $"percentile {Options.Percentile}" : "min/max";
        log($"export: int8: {ranges.Count} activation ranges fixed by {method} calibration over {Batches.Count} batches");
        return ranges;
    }
}
