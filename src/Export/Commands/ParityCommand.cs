using System.CommandLine;
using System.Text.Json.Nodes;
using Distill.Cli;
using Distill.Inference;
using Distill.Data;
using Distill.Export.Exporting;
using Distill.Export.Parity;
using Distill.Runtime;

namespace Distill.Export.Commands;

/// <summary><c>parity</c>: our model against an exported ONNX model on a real data file.</summary>
internal sealed class ParityCommand : Command
{
    private readonly Option<DirectoryInfo> model = new("--model") { Description = "our model directory (the export's source)", Required = true };
    private readonly Option<FileInfo> onnx = new("--onnx") { Description = "the exported .onnx file", Required = true };
    private readonly Option<FileInfo> data = new("--data") { Description = "a data file of the model's task (JSONL, CSV/TSV, CoNLL, SQuAD JSON)", Required = true };
    private readonly Option<string> batchSizes = new("--batch-sizes") { Description = "comma-separated batch sizes; every input runs once at each", DefaultValueFactory = _ => "1,7" };
    private readonly Option<int?> maxExamples = new("--max-examples") { Description = "compare only the first N inputs" };
    private readonly Option<int> maxSeqLength = new("--max-seq-length") { Description = "longer inputs are truncated", DefaultValueFactory = _ => 128 };
    private readonly Option<double> atol = new("--atol") { Description = "largest absolute difference accepted", DefaultValueFactory = _ => ExportRequest.DefaultAtol };
    private readonly Option<bool> skipBad = new("--skip-bad") { Description = "skip and count bad input records instead of failing" };
    private readonly Option<bool> json = new("--json") { Description = "print the report as JSON" };
    private readonly Option<bool> verify = new("--verify") { Description = "first check the ONNX model and the files beside it against the SHA-256 in the export's manifest.json (exit 3 if one differs)" };
    private readonly Option<int> threads = CommandRunner.ThreadsOption();

    public ParityCommand() : base("parity", "Run our model and the ONNX model on a data file at several batch sizes; print per output the max and mean absolute difference and argmax (or span) agreement")
    {
        foreach (var option in new Option[] { model, onnx, data, batchSizes, maxExamples, maxSeqLength, atol, skipBad, json, threads, verify }) Options.Add(option);
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var log = parse.InvocationConfiguration.Output;
        if (parse.GetValue(verify)) ExportManifest.Verify(parse.GetValue(onnx)!.FullName);
        TorchRuntime.Initialize(parse.GetValue(threads));
        var request = new ParityRequest(parse.GetValue(model)!.FullName, parse.GetValue(onnx)!.FullName, parse.GetValue(data)!.FullName)
        {
            BatchSizes = ParityRequest.ParseBatchSizes(parse.GetValue(batchSizes)!),
            MaxExamples = parse.GetValue(maxExamples),
            MaxSeqLength = parse.GetValue(maxSeqLength),
            Threads = parse.GetValue(threads),
            ReadOptions = new DataReadOptions { SkipBad = parse.GetValue(skipBad) },
        };
        var report = ParityRun.Execute(request, parse.InvocationConfiguration.Error.WriteLine);
        var failures = report.Failures(parse.GetValue(atol));
        if (parse.GetValue(json))
        {
            var document = report.ToJson();
            document["failures"] = new JsonArray(failures.Select(f => JsonValue.Create(f)).ToArray<JsonNode?>());
            log.WriteLine(document.ToJsonString());
        }
        else
        {
            foreach (var line in report.Lines()) log.WriteLine(line);
        }
        if (failures.Count > 0)
        {
            parse.InvocationConfiguration.Error.WriteLine($"error: parity above tolerance: {string.Join("; ", failures)}");
            return ExitCodes.CheckFailed;
        }
        return ExitCodes.Success;
    }
}
