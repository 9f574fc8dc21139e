using Distill.Cli;
using Distill.Export;
using Distill.Export.Reporting;
using Distill.Tests.Support;
using SkiaSharp;

namespace Distill.Tests.Export.Reporting;

public sealed class RunReportTests
{
    private static CliRun Report(string[] args) => CliRun.Invoke(ExportCli.Create(), args);

    [Fact]
    public void Report_HandMadeRuns_TableHoldsTheFilesNumbers()
    {
        using var fixture = new ReportFixture();

        var run = Report(fixture.Args());

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        // parameters = elements in model.safetensors; size = .onnx bytes / 1e6; accuracy from the eval JSON; bench at 128 tokens;
        // ratios against the teacher: 24.26 / 8.125 = 2.99, 130.96 / 41.04 = 3.19; 24.26 / 5.5 = 4.41, 190.5 / 41.04 = 4.64.
        string[] rows =
        [
            "| teacher | 37 | 2.3 MB | 0.8125 | 24.3 ms | 41.0 seq/s |",
            "| student | 15 | 1.0 MB | 0.7188 | 8.1 ms (3.0×) | 131.0 seq/s (3.2×) |",
            "| student int8 | 15 | 0.3 MB | 0.7031 | 5.5 ms (4.4×) | 190.5 seq/s (4.6×) |",
        ];
        var tableLines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("| model | parameters | size on disk | dev accuracy | latency p50, batch 1, 128 tokens | throughput, batch 32, 128 tokens |", tableLines[0]);
        Assert.Equal(rows, tableLines[2..]);
        var markdown = File.ReadAllText(Path.Combine(fixture.Out, RunReport.MarkdownFile));
        Assert.All(rows, row => Assert.Contains(row, markdown));
    }

    [Fact]
    public void Report_ResumedRun_DevTableHasEachEpochsLastLoggedValue()
    {
        using var fixture = new ReportFixture();

        var run = Report(fixture.Args());

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var markdown = File.ReadAllLines(Path.Combine(fixture.Out, RunReport.MarkdownFile));
        var devTable = markdown.SkipWhile(l => !l.StartsWith("| epoch |", StringComparison.Ordinal)).TakeWhile(l => l.StartsWith('|')).ToArray();
        Assert.Equal(
        [
            "| epoch | teacher dev accuracy | student dev accuracy |",
            "|---|---:|---:|",
            "| 1 | 0.7500 | 0.6250 |",
            "| 2 | 0.8125 | 0.6875 |",
            "| 3 |  | 0.7188 |",
        ], devTable);
    }

    [Fact]
    public void Read_ResumedRun_LastLineForAStepCounts()
    {
        using var fixture = new ReportFixture();

        var log = TrainingLog.Read("teacher", fixture.TeacherLog);

        Assert.Equal(new[] { (10, 0.7), (20, 0.6), (30, 0.5), (40, 0.4) }, log.Losses.Select(p => (p.Step, p.Loss)));
        Assert.Equal(new[] { (1.0, 0.75), (2.0, 0.8125) }, log.DevCurve("accuracy"));
    }

    [Fact]
    public void Report_HandMadeRuns_PlotsArePngsWithContent()
    {
        using var fixture = new ReportFixture();

        var run = Report(fixture.Args());

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Equal(["train-loss-teacher.png", "train-loss-student.png"], new[] { RunReport.LossPlot("teacher"), RunReport.LossPlot("student") });
        foreach (var file in new[] { RunReport.LatencyPlot("accuracy"), RunReport.DevPlot("accuracy"), RunReport.LossPlot("teacher"), RunReport.LossPlot("student") })
        {
            var path = Path.Combine(fixture.Out, file);
            Assert.True(new FileInfo(path).Length > 10_000, $"{file}: {new FileInfo(path).Length} bytes");
            Assert.Contains($"]({file})", File.ReadAllText(Path.Combine(fixture.Out, RunReport.MarkdownFile)));
            using var bitmap = SKBitmap.Decode(path);
            Assert.NotNull(bitmap);
            Assert.Equal((ReportPlots.Width, ReportPlots.Height), (bitmap.Width, bitmap.Height));
            // Lines, labels and axes in several colours on a white background: far from one colour.
            var colors = bitmap.Pixels.Distinct().Count();
            Assert.True(colors > 50, $"{file}: {colors} colours");
            var share = bitmap.Pixels.GroupBy(p => p).Max(g => g.Count()) / (double)bitmap.Pixels.Length;
            Assert.True(share < 0.97, $"{file}: {share:P1} of the pixels have one colour");
        }
    }

    [Fact]
    public void Report_ExportDirectoryInBenchAndModel_FoundAsItsOnnxFile()
    {
        using var fixture = new ReportFixture();
        // The int8 model as an export directory, named by its directory in the bench JSON and by its file in --model.
        Directory.CreateDirectory(fixture.Dir.File("int8", "onnx"));
        File.Move(fixture.Dir.File("student-int8.onnx"), fixture.Dir.File("int8", "onnx", "model.onnx"));
        File.WriteAllText(fixture.Bench, File.ReadAllText(fixture.Bench).Replace(fixture.Dir.File("student-int8.onnx"), fixture.Dir.File("int8"), StringComparison.Ordinal));
        var args = fixture.Args().Select(a => a.Replace(fixture.Dir.File("student-int8.onnx"), fixture.Dir.File("int8", "onnx", "model.onnx"), StringComparison.Ordinal)).ToArray();

        var run = Report(args);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("| student int8 | 15 | 0.3 MB | 0.7031 | 5.5 ms (4.4×) | 190.5 seq/s (4.6×) |", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Report_Markdown_NamesItsInputsRelativeToTheReportFolder()
    {
        using var fixture = new ReportFixture();

        var run = Report(fixture.Args());

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        var markdown = File.ReadAllText(Path.Combine(fixture.Out, RunReport.MarkdownFile));
        Assert.Contains("from `../bench.json` on synthetic inputs", markdown, StringComparison.Ordinal);
        Assert.Contains("Read from `../teacher.jsonl` (teacher), `../student.jsonl` (student).", markdown, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.Dir.Path, markdown, StringComparison.Ordinal);
    }

    [Fact]
    public void LabelRows_EqualAndCloseValues_PushedDownToTheGapInOrder()
    {
        // From the top: 0.9117 stays; 0.8950 is 0.0167 below it and stays; 0.8917 would be 0.0033 below 0.8950, so it
        // goes to 0.8950 - 0.005 = 0.8900; the second 0.8917 to 0.8900 - 0.005 = 0.8850.
        var rows = ReportPlots.LabelRows([0.8950, 0.8917, 0.8917, 0.9117], gap: 0.005);

        Assert.Equal([0.8950, 0.8900, 0.8850, 0.9117], rows.Select(r => Math.Round(r, 10)));
    }

    [Theory]
    [InlineData(3, new double[] { 0, 1, 2, 3 })]
    [InlineData(2.5, new double[] { 0, 1, 2, 3 })]
    [InlineData(0.5, new double[] { 0, 1 })]
    [InlineData(25, new double[] { 0, 3, 6, 9, 12, 15, 18, 21, 24, 27 })]
    public void EpochTicks_WholeEpochsOnly(double maxEpoch, double[] expected)
    {
        Assert.Equal(expected, ReportPlots.EpochTicks(maxEpoch));
    }

    [Fact]
    public void Report_ModelMissingFromBench_ErrorNamesBenchFileAndModelsFound()
    {
        using var fixture = new ReportFixture();

        var run = Report(fixture.Args("--length", "64"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        var error = Assert.Single(run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"error: {fixture.Bench}:$.models: expected figures for {fixture.Dir.File("teacher.onnx")} at length 64; found: ", error);
        Assert.Contains($"{fixture.Dir.File("teacher.onnx")} at 128", error);
        Assert.False(Directory.Exists(fixture.Out));
    }

    [Fact]
    public void Report_MetricNotInEvaluation_ErrorNamesFileAndMetricsFound()
    {
        using var fixture = new ReportFixture();

        var run = Report(fixture.Args("--metric", "f1"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal($"error: {fixture.Dir.File("teacher.json")}: expected a number \"f1\"; found the metrics accuracy, macro_f1\n", run.Error);
    }

    [Fact]
    public void Read_BadLine_ErrorNamesFileLineExpectedAndFound()
    {
        using var fixture = new ReportFixture();
        var path = fixture.Dir.Write("bad.jsonl", "{\"step\":10,\"epoch\":1,\"split\":\"train\",\"loss\":0.5}\n{\"step\":20,\"epoch\":2,\"split\":\"test\"}\n");

        var error = Assert.Throws<Distill.Data.DataFormatException>(() => TrainingLog.Read("run", path));

        Assert.Equal($"{path}:line 2: expected \"split\": \"train\" or \"dev\"; found \"test\"", error.Message);
    }

    [Fact]
    public void Read_BenchLatencyNotANumber_ErrorNamesFilePlaceExpectedAndFound()
    {
        using var fixture = new ReportFixture();
        var path = fixture.Dir.Write("bad-bench.json", """
            {"threads": 1, "batch_size": 32, "models": [{"model": "a.onnx", "lengths": [{"length": 128, "p50_ms": "fast", "sequences_per_second": 3}]}]}
            """);

        var error = Assert.Throws<Distill.Data.DataFormatException>(() => BenchFigures.Read(path));

        Assert.Equal($"{path}:$.models[0].lengths[0]: expected \"p50_ms\" to be a number; found \"fast\"", error.Message);
    }

    [Fact]
    public void Report_ModelSpecWithoutEvaluation_UsageErrorShowsTheSyntax()
    {
        using var fixture = new ReportFixture();

        var run = Report(["report", "--out", fixture.Out, "--bench", fixture.Bench, "--model", "teacher,dir,model.onnx"]);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Equal($"error: --model: expected {ReportModel.Syntax}; found \"teacher,dir,model.onnx\"\n", run.Error);
    }
}
