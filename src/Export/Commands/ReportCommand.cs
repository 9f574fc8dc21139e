using System.CommandLine;
using Distill.Cli;
using Distill.Export.Reporting;
using Distill.Models;
using Distill.Errors;

namespace Distill.Export.Commands;

/// <summary><c>report</c>: the table and plots of a pipeline's runs, evaluations and bench figures.</summary>
internal sealed class ReportCommand : Command
{
    private readonly Option<DirectoryInfo> output = new("--out") { Description = "directory for report.md and its PNG plots", Required = true };
    private readonly Option<FileInfo> bench = new("--bench") { Description = "the output of export-onnx bench --json over the models' ONNX files", Required = true };
    private readonly Option<string[]> models = new("--model") { Description = $"a row of the table: {ReportModel.Syntax} (EVAL_JSON: from export-onnx predict --eval --json); repeat", Required = true };
    private readonly Option<string[]> curves = new("--curve") { Description = "a run's training curves: NAME,METRICS_JSONL (from train or distill); repeat" };
    private readonly Option<string> metric = new("--metric") { Description = "the dev metric of the table and plots", DefaultValueFactory = _ => "accuracy" };
    private readonly Option<int> length = new("--length") { Description = "the bench length (tokens) the table shows", DefaultValueFactory = _ => 128 };

    public ReportCommand() : base("report", "Write report.md with PNG plots: size, dev metric, latency and throughput per model; training curves per run")
    {
        foreach (var option in new Option[] { output, bench, models, curves, metric, length }) Options.Add(option);
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var request = new ReportRequest(parse.GetValue(output)!.FullName, parse.GetValue(bench)!.FullName, parse.GetValue(length), parse.GetValue(metric)!,
            (parse.GetValue(curves) ?? []).Select(ParseCurve).ToList(), parse.GetValue(models)!.Select(ReportModel.Parse).ToList());
        var result = RunReport.Write(request);
        parse.InvocationConfiguration.Output.Write(result.Table);
        parse.InvocationConfiguration.Error.WriteLine($"report: {result.MarkdownPath} with {string.Join(", ", result.PlotPaths.Select(Path.GetFileName))}");
        return ExitCodes.Success;
    }

    private static (string Name, string MetricsPath) ParseCurve(string spec)
    {
        var parts = spec.Split(',', StringSplitOptions.TrimEntries);
        return parts.Length == 2 && parts.All(p => p.Length > 0)
            ? (parts[0], parts[1])
            : throw new ConfigException($"--curve: expected NAME,METRICS_JSONL; found \"{spec}\"");
    }
}
