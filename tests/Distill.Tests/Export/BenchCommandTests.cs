using System.Text.Json.Nodes;
using Distill.Cli;
using Distill.Export;
using Distill.Export.Bench;
using Distill.Tests.Inference;
using Distill.Tests.Support;

namespace Distill.Tests.Export;

public sealed class BenchCommandTests
{
    private static CliRun Bench(params string[] args) => CliRun.Invoke(ExportCli.Create(), ["bench", .. args]);

    private static readonly string[] Quick = ["--lengths", "4,9", "--iterations", "3", "--warmup", "1", "--batch-size", "4", "--batches", "2", "--cpu"];

    [Fact]
    public void Bench_TwoModelsJson_EveryLengthTimedAndRatiosAgainstTheFirst()
    {
        using var dir = new TemporaryDirectory();
        var first = TinyStudents.Classifier(dir.File("a"));
        var second = TinyStudents.Tagger(dir.File("b"));

        var run = Bench(["--onnx", first, "--onnx", second, "--json", .. Quick]);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var report = JsonNode.Parse(run.Output)!;
        Assert.Equal(OnnxBench.InputsNote, (string)report["inputs"]!);
        var models = report["models"]!.AsArray();
        Assert.Equal([first, second], models.Select(m => (string)m!["model"]!));
        foreach (var model in models)
        {
            var lengths = model!["lengths"]!.AsArray();
            Assert.Equal([4, 9], lengths.Select(l => (int)l!["length"]!));
            Assert.All(lengths, l => Assert.InRange((double)l!["p50_ms"]!, double.Epsilon, (double)l["p95_ms"]!));
            Assert.All(lengths, l => Assert.True((double)l!["sequences_per_second"]! > 0));
        }
        for (var l = 0; l < 2; l++)
        {
            var (a, b) = (models[0]!["lengths"]![l]!, models[1]!["lengths"]![l]!);
            Assert.Equal(1.0, (double)a["p50_speedup"]!);
            Assert.Equal((double)a["p50_ms"]! / (double)b["p50_ms"]!, (double)b["p50_speedup"]!, 12);
            Assert.Equal((double)b["sequences_per_second"]! / (double)a["sequences_per_second"]!, (double)b["throughput_ratio"]!, 12);
        }
    }

    [Fact]
    public void Bench_Table_SaysTheInputsAreSyntheticAndHasARowPerLengthAndModel()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("a"));

        var run = Bench(["--onnx", model, .. Quick]);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(OnnxBench.InputsNote, lines[0]);
        Assert.StartsWith("model", lines[2]);
        Assert.Equal(2, lines.Count(l => l.StartsWith(model, StringComparison.Ordinal)));
        Assert.Contains("onnxruntime: CPU provider, 1 thread(s) (CUDA not requested)", run.Error);
    }

    [Fact]
    public void Bench_Profile_OneTracePerModelLengthAndBatchAndTheirOpTimes()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("a"));
        var traces = dir.File("profile");

        var run = Bench(["--onnx", model, "--profile", traces, .. Quick]);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        // Lengths 4 and 9, batch 1 and 4: four traces in the directory asked for, one line each.
        Assert.Equal(4, Directory.GetFiles(traces, "1-model-len*-b*.json").Length);
        foreach (var (length, batch) in new[] { (4, 1), (4, 4), (9, 1), (9, 4) })
        {
            Assert.Matches($@"bench: profile {System.Text.RegularExpressions.Regex.Escape(model)} length {length} batch {batch}: \w+×\d+ \d+\.\d\d ms \d+\.\d %.*; total \d+\.\d\d ms per run", run.Error);
        }
    }

    [Fact]
    public void Bench_BadLengths_OneErrorLineAndBadInputExit()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("a"));

        var run = Bench("--onnx", model, "--lengths", "16,x");

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal("error: --lengths: expected comma-separated token counts, e.g. 16,64,128; found \"x\" in \"16,x\"\n", run.Error);
    }

    [Fact]
    public void Bench_TruncatedOnnx_OneErrorLineAndBadInputExit()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("a"));
        File.WriteAllBytes(model, File.ReadAllBytes(model)[..40]);

        var run = Bench(["--onnx", model, .. Quick]);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Single(run.Error.Split('\n'), l => l.StartsWith($"error: {model}: not a model ONNX Runtime can load", StringComparison.Ordinal));
    }
}
