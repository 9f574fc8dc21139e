using System.CommandLine;
using Distill.Cli;
using Distill.Export.Exporting;
using Distill.Export.Mapping;
using Distill.Export.Optimization;
using Distill.Export.Quantization;
using Distill.Inference;
using Distill.Onnx;
using Distill.Runtime;

namespace Distill.Export.Commands;

/// <summary><c>export</c>: a model directory as an ONNX file, checked against our model before it is published.</summary>
internal sealed class ExportCommand : Command
{
    private readonly Option<DirectoryInfo> model = new("--model") { Description = "model directory (config.json, model.safetensors, vocab.txt): a task model or a plain encoder", Required = true };
    private readonly Option<string> output = new("--out")
    {
        Description = "the export directory: the model at onnx/model.onnx, and config.json (with id2label/label2id), tokenizer.json, tokenizer_config.json, "
            + "special_tokens_map.json and vocab.txt at its top, as transformers.js and Optimum load it; a path ending in .onnx writes that file with the others beside it",
        Required = true,
    };
    private readonly Option<int?> maxSeqLength = new("--max-seq-length") { Description = "the longest input the metadata and tokenizer files declare (default: the length the run trained at, from its training_config.json or distill_run.json; else the model's limit)" };
    private readonly Option<int> opset = new("--opset") { Description = $"ONNX opset, {BertExport.MinOpset} to {BertExport.MaxOpset}", DefaultValueFactory = _ => BertExport.DefaultOpset };
    private readonly Option<bool> optimize = new("--optimize")
    {
        Description = $"also write ONNX Runtime's optimised graph (level EXTENDED) as NAME{OrtOptimizer.Suffix} beside the portable file, "
                      + "and print the ONNX Runtime-only ops it uses (com.microsoft FusedMatMul, BiasGelu, FusedGemm; int8: MatMulIntegerToFloat ...): it loads in ONNX Runtime only. "
                      + "The --out file stays standard ONNX (ai.onnx domain only)",
    };
    private readonly Option<bool> fused = new("--fused")
    {
        Description = $"also write NAME{OrtOptimizer.FusedSuffix}: a BERT encoder as ONNX Runtime's fused contrib operators (com.microsoft EmbedLayerNormalization, Attention, "
                      + "SkipLayerNormalization, BiasGelu/FastGelu), dynamic batch and sequence axes, checked for parity like the portable file; float32 only; ONNX Runtime only. "
                      + "For a sequence classifier without --hidden-state its last layer is computed at position 0 only, which is all the pooler and the logits read "
                      + "(about half the work of a 2-layer student at 128 tokens); token classification and QA read every position and keep every layer whole",
    };
    private readonly Option<bool> int8 = new("--int8") { Description = "quantize the weight matrices to int8 (per-channel, embeddings too; small weights such as the head kept float32) and the activations they multiply (see --int8-mode)" };
    private readonly Option<Int8Mode> int8Mode = new("--int8-mode")
    {
        Description = "static: activation scales fixed at export from calibration data (QDQ form), so a sentence gets the same answer in any batch; "
                      + "dynamic: scales computed at run time over the whole batch, so probabilities (and a few labels) change with the other sentences in the batch",
        DefaultValueFactory = _ => Int8Mode.Static,
    };
    private readonly Option<long> int8MinElements = new("--int8-min-elements")
    {
        Description = "int8: weights with fewer elements stay float32 (e.g. a classifier head)",
        DefaultValueFactory = _ => new Int8Options().MinimumElements,
    };
    private readonly Option<FileInfo?> calibration = new("--calibration") { Description = "static int8: data file of the model's task to calibrate on (default: the training data recorded in training_config.json or distill_run.json beside the model)" };
    private readonly Option<int> calibrationExamples = new("--calibration-examples") { Description = "static int8: examples used, spread evenly over the file", DefaultValueFactory = _ => CalibrationData.DefaultExamples };
    private readonly Option<CalibrationMethod> calibrationMethod = new("--calibration-method") { Description = "static int8: each activation's range is its min/max over the calibration tokens, or a percentile range (--percentile)", DefaultValueFactory = _ => new CalibrationOptions().Method };
    private readonly Option<double> percentile = new("--percentile") { Description = "static int8, --calibration-method percentile: percent of the values kept inside the range on each side", DefaultValueFactory = _ => new CalibrationOptions().Percentile };
    private readonly Option<bool> fp16 = new("--fp16") { Description = "store and compute in float16 for GPUs (LayerNorm and Softmax kept in float32; inputs and outputs keep their types)" };
    private readonly Option<double?> atol = new("--atol") { Description = $"largest absolute difference from our model accepted on the built-in inputs (default {ExportRequest.DefaultAtol} for float32, {ExportPrecision.Int8.DefaultAtol()} for int8, {ExportPrecision.Float16.DefaultAtol()} for fp16, which are also judged by argmax agreement: at least {ExportPrecision.Int8.MinAgreement():P0} and {ExportPrecision.Float16.MinAgreement():P0})" };
    private readonly Option<bool> hiddenState = new("--hidden-state") { Description = "also output last_hidden_state (a plain encoder always does)" };
    private readonly Option<int> threads = CommandRunner.ThreadsOption();

    public ExportCommand() : base("export", "Write a model as ONNX (with its task head, labels and tokenizer settings in the metadata), then check parity with our model; nothing is written if it fails")
    {
        foreach (var option in new Option[] { model, output, maxSeqLength, opset, optimize, fused, int8, int8Mode, int8MinElements, calibration, calibrationExamples, calibrationMethod, percentile, fp16, atol, hiddenState, threads }) Options.Add(option);
        Validators.Add(result =>
        {
            if (result.GetValue(int8) && result.GetValue(fp16)) result.AddError("give at most one of --int8 and --fp16");
            if (result.GetValue(fused) && (result.GetValue(int8) || result.GetValue(fp16))) result.AddError("--fused writes float32 only: give it without --int8 and --fp16");
        });
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var log = parse.InvocationConfiguration.Output;
        TorchRuntime.Initialize(parse.GetValue(threads));
        var precision = parse.GetValue(int8) ? ExportPrecision.Int8 : parse.GetValue(fp16) ? ExportPrecision.Float16 : ExportPrecision.Float32;
        var modelDirectory = parse.GetValue(model)!.FullName;
        var calibrated = precision == ExportPrecision.Int8 && parse.GetValue(int8Mode) == Int8Mode.Static
            ? new Int8Calibration(
                CalibrationData.Load(modelDirectory, parse.GetValue(calibration)?.FullName, parse.GetValue(calibrationExamples), line => log.WriteLine($"export: {line}")),
                new CalibrationOptions { Method = parse.GetValue(calibrationMethod), Percentile = parse.GetValue(percentile), Threads = parse.GetValue(threads) })
            : null;
        var passes = new List<GraphPass>();
        if (precision.Pass(log.WriteLine, calibrated, new Int8Options { MinimumElements = parse.GetValue(int8MinElements) }) is { } rewrite) passes.Add(rewrite);
        var request = new ExportRequest(modelDirectory, Path.GetFullPath(parse.GetValue(output)!))
        {
            MaxSeqLength = parse.GetValue(maxSeqLength),
            Opset = parse.GetValue(opset),
            HiddenState = parse.GetValue(hiddenState),
            Passes = passes,
            Atol = parse.GetValue(atol) ?? precision.DefaultAtol(),
            MinAgreement = precision.MinAgreement(),
            Threads = parse.GetValue(threads),
        };

        if (!Published(parse, request, OnnxExporter.Export(request, log.WriteLine))) return ExitCodes.CheckFailed;
        if (parse.GetValue(optimize) && !PublishedForOnnxRuntime(parse, request.Variant(OrtOptimizer.Suffix) with { Passes = [.. passes, OrtOptimizer.Pass()] })) return ExitCodes.CheckFailed;
        if (parse.GetValue(fused) && !PublishedForOnnxRuntime(parse, request.Variant(OrtOptimizer.FusedSuffix) with { Fused = true })) return ExitCodes.CheckFailed;
        return ExitCodes.Success;
    }

    private static bool PublishedForOnnxRuntime(ParseResult parse, ExportRequest request)
    {
        var result = OnnxExporter.Export(request, parse.InvocationConfiguration.Output.WriteLine);
        if (!Published(parse, request, result)) return false;
        parse.InvocationConfiguration.Output.WriteLine($"export: {result.OutputPath} is for ONNX Runtime only: {OrtOptimizer.Describe(OnnxModelFile.Read(result.OutputPath))}");
        return true;
    }

    private static bool Published(ParseResult parse, ExportRequest request, ExportResult result)
    {
        var log = parse.InvocationConfiguration.Output;
        log.WriteLine($"export: nodes {string.Join(" ", result.OpCounts.Select(kv => $"{kv.Key}={kv.Value}"))}");
        foreach (var line in result.Parity.Lines()) log.WriteLine(line);
        if (!result.Published)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: parity check failed, nothing written to {result.OutputPath}: {string.Join("; ", result.Failures)}");
            return false;
        }
        log.WriteLine($"export: wrote {result.OutputPath} ({result.Bytes / 1e6:F1} MB) and {string.Join(", ", ExportDirectory.CompanionFiles)} and {ExportManifest.FileName} in {request.FilesDirectory}");
        return true;
    }
}
