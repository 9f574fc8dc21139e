using System.CommandLine;
using System.Globalization;
using Distill.Cli;
using Distill.Export.Bench;
using Distill.Models;
using Distill.Errors;

namespace Distill.Export.Commands;

/// <summary><c>bench</c>: batch-1 latency and batched throughput of ONNX models, side by side in one run.</summary>
internal sealed class BenchCommand : Command
{
    private readonly Option<string[]> onnx = new("--onnx") { Description = "a model to time: an export directory or an .onnx file (repeat for several; ratios are against the first); vocab.txt beside each", Required = true };
    private readonly Option<int> threads = CommandRunner.ThreadsOption();
    private readonly Option<string> lengths = new("--lengths") { Description = "sequence lengths in tokens, comma-separated", DefaultValueFactory = _ => "16,64,128" };
    private readonly Option<int> iterations = new("--iterations") { Description = "timed batch-1 runs per model and length", DefaultValueFactory = _ => 50 };
    private readonly Option<int> warmup = new("--warmup") { Description = "untimed runs before each timed series", DefaultValueFactory = _ => 5 };
    private readonly Option<int> batchSize = new("--batch-size") { Description = "sequences per throughput run", DefaultValueFactory = _ => 32 };
    private readonly Option<int> batches = new("--batches") { Description = "timed throughput runs per model and length", DefaultValueFactory = _ => 5 };
    private readonly Option<bool> cpu = new("--cpu") { Description = "use the CPU provider even where CUDA loads" };
    private readonly Option<bool> json = new("--json") { Description = "print the figures as JSON" };
    private readonly Option<DirectoryInfo?> profile = new("--profile")
    {
        Description = "after the timing, run each model again with ONNX Runtime's profiler (batch 1 and --batch-size apart), write its traces into this directory "
                      + "and print, per model, the kernel time per run of each op type (stderr)",
    };

    public BenchCommand() : base("bench", "Time ONNX models side by side: latency at batch 1 (p50, p95) and throughput at batch 32, per sequence length")
    {
        foreach (var option in new Option[] { onnx, threads, lengths, iterations, warmup, batchSize, batches, cpu, json, profile }) Options.Add(option);
        SetAction((parse, _) => Task.FromResult(Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        var settings = new BenchSettings(ParseLengths(parse.GetValue(lengths)!), parse.GetValue(threads), parse.GetValue(iterations),
            parse.GetValue(warmup), parse.GetValue(batchSize), parse.GetValue(batches), PreferCuda: !parse.GetValue(cpu));
        var models = parse.GetValue(onnx)!.ToList();
        var results = OnnxBench.Run(models, settings, parse.InvocationConfiguration.Error.WriteLine);
        var output = parse.InvocationConfiguration.Output;
        output.Write(parse.GetValue(json) ? BenchReport.Json(results, settings) + "\n" : BenchReport.Table(results, settings));
        if (parse.GetValue(profile) is { } directory) OnnxBench.Profile(models, settings, directory.FullName, parse.InvocationConfiguration.Error.WriteLine);
        return ExitCodes.Success;
    }

    private static int[] ParseLengths(string text) => text.Split(',', StringSplitOptions.TrimEntries).Select(part =>
        int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var length)
            ? length
            : throw new ConfigException($"--lengths: expected comma-separated token counts, e.g. 16,64,128; found \"{part}\" in \"{text}\"")).ToArray();
}
