using System.CommandLine;
using System.Text.Json;
using Distill.Cli;
using Distill.DistillStudent.Runs;
using Distill.IO;
using Distill.Models;
using Distill.Runtime;
using Distill.Tasks;
using Distill.Models.Heads;

namespace Distill.DistillStudent.Commands;

/// <summary>
/// <c>eval</c>: a model's metrics on a labelled data set, and its predictions where the user asks for them
/// (never beside the data, which may be someone else's or read-only).
/// </summary>
internal sealed class EvalCommand : Command
{
    private readonly Option<DirectoryInfo> model = new("--model") { Description = "trained task model directory (e.g. OUT/best of train): BERT, BiGRU or a registered model type", Required = true };
    private readonly Option<string> task = new("--task") { Description = "classification | tagging | qa", Required = true };
    private readonly Option<FileInfo> data = new("--data") { Description = "labelled data file", Required = true };
    internal const string PredictionsFile = "predictions.jsonl";
    internal const string MetricsFile = "metrics.json";

    private readonly Option<string?> output = new("--out") { Description = "write DIR/predictions.jsonl and DIR/metrics.json, or - for predictions as JSONL on stdout (metrics then go to stderr); default: print the metrics only" };
    private readonly Option<int> batchSize = new("--batch-size") { Description = "examples per forward pass", DefaultValueFactory = _ => ModelEvaluation.DefaultBatchSize };
    private readonly Option<int> threads = new("--threads") { Description = "CPU threads", DefaultValueFactory = _ => 1 };
    private readonly DataReadingOptions reading = new();
    private readonly Option<bool> json = new("--json") { Description = "print the metrics as JSON" };

    public EvalCommand() : base("eval", "Evaluate a trained model on a labelled data set; with --out, write its predictions")
    {
        foreach (var option in new Option[] { model, task, data, output, batchSize, threads, json }.Concat(reading.All)) Options.Add(option);
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        TorchRuntime.Initialize(parse.GetValue(threads));
        var log = parse.InvocationConfiguration.Output;
        var kind = TaskKinds.Parse(parse.GetValue(task)!, "--task");
        var modelDir = parse.GetValue(model)!.FullName;
        var dataPath = parse.GetValue(data)!.FullName;

        var settings = reading.Apply(parse, DataReadingOptions.Defaults);
        var (result, inputs, warnings) = ModelEvaluation.Run(modelDir, kind, dataPath, settings, parse.GetValue(batchSize));
        foreach (var warning in warnings) parse.InvocationConfiguration.Error.WriteLine($"warning: {warning}");

        var predictionLines = string.Concat(result.Predictions.Select(p => p.ToJsonString() + "\n"));
        var metricsJson = JsonSerializer.Serialize(result.Metrics);
        var outDir = parse.GetValue(output);
        if (outDir == "-")
        {
            log.Write(predictionLines);
            log = parse.InvocationConfiguration.Error;
        }
        else if (outDir is not null)
        {
            AtomicFile.WriteAllText(Path.Combine(outDir, PredictionsFile), predictionLines);
            AtomicFile.WriteAllText(Path.Combine(outDir, MetricsFile), metricsJson + "\n");
        }

        if (parse.GetValue(json))
        {
            log.WriteLine(metricsJson);
        }
        else
        {
            log.WriteLine(result.FormatMetrics());
            var written = outDir is null or "-" ? "" : $"; predictions in {Path.Combine(Path.GetFullPath(outDir), PredictionsFile)}";
            log.WriteLine($"eval: {inputs} inputs{written}");
        }
        return 0;
    }
}
