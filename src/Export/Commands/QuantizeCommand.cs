using System.CommandLine;
using Distill.Cli;
using Distill.Export.Quantization;

namespace Distill.Export.Commands;

/// <summary><c>quantize</c>: int8 dynamic quantization or float16 conversion of an ONNX file.</summary>
internal sealed class QuantizeCommand : Command
{
    private readonly Option<FileInfo> onnx = new("--onnx") { Description = "the float32 ONNX model", Required = true };
    private readonly Option<FileInfo> output = new("--out") { Description = "where to write the converted model", Required = true };
    private readonly Option<bool> int8 = new("--int8") { Description = "int8 weights, activations quantized at run time (CPU)" };
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
        foreach (var option in new Option[] { onnx, output, int8, fp16, perTensor, uint8, noEmbeddings, minElements, exclude, keepFloat32 }) Options.Add(option);
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
        var lines = parse.GetValue(int8)
            ? OnnxFilePass.Int8(input, target, new Int8Options
            {
                PerChannel = !parse.GetValue(perTensor),
                WeightType = parse.GetValue(uint8) ? Int8WeightType.UInt8 : Int8WeightType.Int8,
                Embeddings = !parse.GetValue(noEmbeddings),
                MinimumElements = parse.GetValue(minElements),
                Exclude = (parse.GetValue(exclude) ?? []).ToHashSet(),
            })
            : OnnxFilePass.Float16(input, target, new Float16Options { KeepInFloat32 = parse.GetValue(keepFloat32)!.ToHashSet() });
        foreach (var line in lines) parse.InvocationConfiguration.Output.WriteLine(line);
        return ExitCodes.Success;
    }
}
