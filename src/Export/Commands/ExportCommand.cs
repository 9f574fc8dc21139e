using System.CommandLine;
using Distill.Cli;
using Distill.Export.Exporting;
using Distill.Export.Mapping;
using Distill.Export.Optimization;
using Distill.Inference;
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
    private readonly Option<bool> optimize = new("--optimize") { Description = "save ONNX Runtime's optimised graph (fused Attention, SkipLayerNormalization, BiasGelu ...) instead of the plain one" };
    private readonly Option<bool> int8 = new("--int8") { Description = "quantize the weight matrices to int8 (dynamic quantization; per-channel, embeddings too, small weights such as the head kept float32)" };
    private readonly Option<bool> fp16 = new("--fp16") { Description = "store and compute in float16 for GPUs (LayerNorm and Softmax kept in float32; inputs and outputs keep their types)" };
    private readonly Option<double?> atol = new("--atol") { Description = $"largest absolute difference from our model accepted on the built-in inputs (default {ExportRequest.DefaultAtol} for float32, {ExportPrecision.Int8.DefaultAtol()} for int8, {ExportPrecision.Float16.DefaultAtol()} for fp16, which are also judged by argmax agreement: at least {ExportPrecision.Int8.MinAgreement():P0} and {ExportPrecision.Float16.MinAgreement():P0})" };
    private readonly Option<bool> hiddenState = new("--hidden-state") { Description = "also output last_hidden_state (a plain encoder always does)" };
    private readonly Option<int> threads = CommandRunner.ThreadsOption();

    public ExportCommand() : base("export", "Write a model as ONNX (with its task head, labels and tokenizer settings in the metadata), then check parity with our model; nothing is written if it fails")
    {
        foreach (var option in new Option[] { model, output, maxSeqLength, opset, optimize, int8, fp16, atol, hiddenState, threads }) Options.Add(option);
        Validators.Add(result =>
        {
            if (result.GetValue(int8) && result.GetValue(fp16)) result.AddError("give at most one of --int8 and --fp16");
        });
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var log = parse.InvocationConfiguration.Output;
        TorchRuntime.Initialize(parse.GetValue(threads));
        var precision = parse.GetValue(int8) ? ExportPrecision.Int8 : parse.GetValue(fp16) ? ExportPrecision.Float16 : ExportPrecision.Float32;
        var passes = new List<GraphPass>();
        if (precision.Pass(log.WriteLine) is { } rewrite) passes.Add(rewrite);
        if (parse.GetValue(optimize)) passes.Add(OrtOptimizer.Pass());
        var request = new ExportRequest(parse.GetValue(model)!.FullName, Path.GetFullPath(parse.GetValue(output)!))
        {
            MaxSeqLength = parse.GetValue(maxSeqLength),
            Opset = parse.GetValue(opset),
            HiddenState = parse.GetValue(hiddenState),
            Passes = passes,
            Atol = parse.GetValue(atol) ?? precision.DefaultAtol(),
            MinAgreement = precision.MinAgreement(),
            Threads = parse.GetValue(threads),
        };

        var result = OnnxExporter.Export(request, log.WriteLine);
        log.WriteLine($"export: nodes {string.Join(" ", result.OpCounts.Select(kv => $"{kv.Key}={kv.Value}"))}");
        foreach (var line in result.Parity.Lines()) log.WriteLine(line);
        if (!result.Published)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: parity check failed, nothing written to {result.OutputPath}: {string.Join("; ", result.Failures)}");
            return ExitCodes.CheckFailed;
        }
        log.WriteLine($"export: wrote {result.OutputPath} ({result.Bytes / 1e6:F1} MB) and {string.Join(", ", ExportLayout.Files.Where(f => !f.EndsWith(".onnx", StringComparison.Ordinal)))} in {request.FilesDirectory}");
        return ExitCodes.Success;
    }
}
