using System.CommandLine;
using Distill.Cli;
using Distill.Export.Exporting;
using Distill.Export.Quantization;

namespace Distill.Export.Commands;

/// <summary><c>quantize</c>: int8 quantization (static with calibration data, else dynamic) or float16 conversion of an ONNX file.</summary>
internal sealed class QuantizeCommand : Command
{
    private readonly Option<FileInfo> onnx = new("--onnx") { Description = "the float32 ONNX model", Required = true };
    private readonly Option<FileInfo> output = new("--out") { Description = "where to write the converted model", Required = true };
    private readonly Option<bool> int8 = new("--int8") { Description = "int8 weights and activations (CPU): static with --calibration, else dynamic (activation scales computed at run time over the whole batch, so a sentence's probabilities depend on the sentences batched with it)" };
    private readonly Option<FileInfo?> calibration = new("--calibration") { Description = "int8: static (QDQ) quantization, activation scales fixed from this data file of the model's task (tokenized with the vocab.txt and metadata beside the model)" };
    private readonly Option<int> calibrationExamples = new("--calibration-examples") { Description = "int8 with --calibration: examples used, spread evenly over the file", DefaultValueFactory = _ => CalibrationData.DefaultExamples };
    private readonly Option<CalibrationMethod> calibrationMethod = new("--calibration-method") { Description = "int8 with --calibration: min/max range or a percentile range (--percentile)", DefaultValueFactory = _ => new CalibrationOptions().Method };
    private readonly Option<double> percentile = new("--percentile") { Description = "int8, --calibration-method percentile: percent of the values kept inside the range on each side", DefaultValueFactory = _ => new CalibrationOptions().Percentile };
    private readonly Option<bool> fp16 = new("--fp16") { Description = "float16 weights and compute, LayerNorm and Softmax in float32 (GPU)" };
    private readonly Option<bool> perTensor = new("--per-tensor") { Description = "int8: one scale per weight matrix instead of one per output column (faster, less accurate)" };
    private readonly Option<bool> uint8 = new("--uint8") { Description = "int8: asymmetric uint8 weights instead of symmetric int8" };
    private readonly Option<bool> noEmbeddings = new("--no-embeddings") { Description = "int8: keep Gather embedding tables in float32" };
    private readonly Option<long> minElements = new("--min-elements")
    {
        Description = "int8: weights with fewer elements stay float32 (e.g. a classifier head)",
        DefaultValueFactory = _ => new Int8Options().MinimumElements,
    };
    private readonly Option<string[]> exclude = new("--exclude") { Description = "int8: node or initializer names to keep in float32 (repeatable)" };
    private readonly Option<string[]> keepFloat32 = new("--keep-fp32")
    {
        Description = "fp16: op types computed in float32 (repeatable; replaces the default list)",
        DefaultValueFactory = _ => Float16Options.DefaultKeepInFloat32.Order().ToArray(),
    };

    public QuantizeCommand() : base("quantize", "Write an ONNX model with int8 weights (--int8) or in float16 (--fp16), and print what changed")
    {
        foreach (var option in new Option[] { onnx, output, int8, calibration, calibrationExamples, calibrationMethod, percentile, fp16, perTensor, uint8, noEmbeddings, minElements, exclude, keepFloat32 }) Options.Add(option);
        Validators.Add(result =>
        {
            if (result.GetValue(int8) == result.GetValue(fp16)) result.AddError("give exactly one of --int8 and --fp16");
        });
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var input = parse.GetValue(onnx)!.FullName;
        var target = parse.GetValue(output)!.FullName;
        var log = parse.InvocationConfiguration.Output;
        if (!parse.GetValue(int8))
        {
            foreach (var line in OnnxFilePass.Float16(input, target, new Float16Options { KeepInFloat32 = parse.GetValue(keepFloat32)!.ToHashSet() })) log.WriteLine(line);
            return ExitCodes.Success;
        }
        var options = new Int8Options
        {
            PerChannel = !parse.GetValue(perTensor),
            WeightType = parse.GetValue(uint8) ? Int8WeightType.UInt8 : Int8WeightType.Int8,
            Embeddings = !parse.GetValue(noEmbeddings),
            MinimumElements = parse.GetValue(minElements),
            Exclude = (parse.GetValue(exclude) ?? []).ToHashSet(),
        };
        var lines = parse.GetValue(calibration) is { } data
            ? OnnxFilePass.StaticInt8(input, target, options,
                CalibrationData.ForOnnx(input, data.FullName, parse.GetValue(calibrationExamples), log.WriteLine),
                new CalibrationOptions { Method = parse.GetValue(calibrationMethod), Percentile = parse.GetValue(percentile) })
            : OnnxFilePass.Int8(input, target, options);
        foreach (var line in lines) log.WriteLine(line);
        return ExitCodes.Success;
    }
}
