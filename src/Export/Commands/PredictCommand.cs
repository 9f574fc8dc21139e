using System.CommandLine;
using System.Text.Json;
using Distill.Cli;
using Distill.Data;
using Distill.Inference;
using Distill.IO;
using Distill.Models;
using Distill.Tasks;

namespace Distill.Export.Commands;

/// <summary><c>predict</c>: an exported student's predictions on a data file, and with <c>--eval</c> its metrics, through ONNX Runtime only.</summary>
internal sealed class PredictCommand : Command
{
    private readonly Option<string> onnx = new("--onnx") { Description = "exported student: the export directory, or its .onnx file (vocab.txt beside it or above its onnx/ folder; task, labels and tokenizer settings in its metadata)", Required = true };
    private readonly Option<FileInfo> data = new("--data") { Description = "data file in the task's format (as distill-student eval reads it)", Required = true };
    private readonly Option<FileInfo?> output = new("--out") { Description = "write the predictions (JSONL) here, atomically; default: stdout" };
    private readonly Option<bool> logits = new("--logits") { Description = "add each prediction's unrounded logits: classification {label: logit}, tagging one such object per word (at its first piece)" };
    private readonly Option<bool> evaluate = new("--eval") { Description = "print the metrics distill-student eval prints, computed by the same code (on stderr when predictions go to stdout)" };
    private readonly Option<bool> json = new("--json") { Description = "with --eval: print the metrics as JSON" };
    private readonly Option<int> batchSize = new("--batch-size") { Description = "inputs per ONNX Runtime call", DefaultValueFactory = _ => 32 };
    private readonly Option<int> threads = CommandRunner.ThreadsOption();
    private readonly Option<bool> skipBad = new("--skip-bad") { Description = "skip and count bad input records instead of failing" };
    private readonly Option<bool> verify = new("--verify") { Description = "first check the model and the files of its export (config, tokenizer, vocabulary) against the SHA-256 in the export's manifest.json (exit 3 if one differs)" };

    public PredictCommand() : base("predict", "Predict with an exported student (labels with probabilities, word tags, answer spans) as JSONL")
    {
        foreach (var option in new Option[] { onnx, data, output, logits, evaluate, json, batchSize, threads, skipBad, verify }) Options.Add(option);
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var stdout = parse.InvocationConfiguration.Output;
        var stderr = parse.InvocationConfiguration.Error;
        var outPath = parse.GetValue(output)?.FullName;
        if (parse.GetValue(verify)) ExportManifest.Verify(Path.GetFullPath(parse.GetValue(onnx)!));
        using var student = OnnxStudent.Load(Path.GetFullPath(parse.GetValue(onnx)!), new OnnxStudentOptions { Threads = parse.GetValue(threads), Log = stderr.WriteLine });
        if (parse.GetValue(logits) && !PredictionLogits.Tasks.Contains(student.Metadata.Task!.Value))
        {
            stderr.WriteLine($"error: --logits is for {string.Join(" and ", PredictionLogits.Tasks.Select(t => t.Name()))} models; {parse.GetValue(onnx)} is a {student.Metadata.Task!.Value.Name()} model");
            return ExitCodes.Usage;
        }
        var dataSet = student.LoadData(parse.GetValue(data)!.FullName, new DataReadOptions { SkipBad = parse.GetValue(skipBad) });
        foreach (var warning in dataSet.Warnings) stderr.WriteLine($"warning: {warning}");

        var result = student.Evaluate(dataSet, parse.GetValue(batchSize), parse.GetValue(logits));
        var lines = string.Concat(result.Predictions.Select(p => p.ToJsonString() + "\n"));
        if (outPath is null) stdout.Write(lines); else AtomicFile.WriteAllText(outPath, lines);

        if (parse.GetValue(evaluate))
        {
            // Metrics share stdout only when the predictions do not.
            var metricsOut = outPath is null ? stderr : stdout;
            metricsOut.WriteLine(parse.GetValue(json) ? JsonSerializer.Serialize(result.Metrics) : result.FormatMetrics());
        }
        stderr.WriteLine($"predict: {result.Predictions.Count} predictions ({dataSet.Features.Count} inputs){(outPath is null ? "" : $" in {outPath}")}");
        return ExitCodes.Success;
    }
}
