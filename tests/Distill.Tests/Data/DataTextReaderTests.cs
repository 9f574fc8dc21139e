using System.Diagnostics;
using System.Globalization;
using Distill.Cli;
using Distill.Data;
using Distill.Export;
using Distill.Tests.Inference;
using Distill.Tests.Support;

namespace Distill.Tests.Data;

/// <summary>Data text that is not what it should be: lone surrogate escapes, bytes that are not UTF-8, lines without end.</summary>
public sealed class DataTextReaderTests
{
    private const string LoneSurrogate = """
        {"text": "fine", "label": "pos"}
        {"text": "broken \ud800 half", "label": "neg"}
        {"text": "also fine", "label": "neg"}
        """;

    [Fact]
    public void ClassificationRead_LoneSurrogateEscape_DataErrorWithFileAndLine()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("train.jsonl", LoneSurrogate);

        var error = Assert.Throws<DataFormatException>(() => ClassificationReader.Read(path, new DataReadOptions()));

        Assert.StartsWith($"{path}:line 2: bad \"text\" (expected text; found a lone UTF-16 surrogate escape", error.Message);
    }

    [Fact]
    public void ClassificationRead_LoneSurrogateWithSkipBad_SkipsThatRecordOnly()
    {
        using var dir = new TemporaryDirectory();

        var data = ClassificationReader.Read(dir.Write("train.jsonl", LoneSurrogate), new DataReadOptions { SkipBad = true });

        Assert.Equal(["fine", "also fine"], data.Examples.Select(e => e.TextA));
        Assert.StartsWith($"{dir.File("train.jsonl")}:line 2: bad \"text\"", Assert.Single(data.SkippedReasons));
    }

    [Fact]
    public void SquadRead_LoneSurrogateInAQuestion_DataErrorAtTheQuestion()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("dev.json", """{"data": [{"paragraphs": [{"context": "a cat", "qas": [{"id": "q", "question": "\udc00?", "answers": [{"text": "cat", "answer_start": 2}]}]}]}]}""");

        var error = Assert.Throws<DataFormatException>(() => SquadReader.Read(path, new DataReadOptions()));

        Assert.StartsWith($"{path}:data[0].paragraphs[0].qas[0]: bad \"question\" (expected text; found a lone UTF-16 surrogate escape", error.Message);
    }

    [Fact]
    public void Predict_LoneSurrogate_ExitsWithBadInputNamingFileAndLine_AndSkipBadSkipsIt()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("model"));
        var data = dir.Write("dev.jsonl", LoneSurrogate);

        var refused = CliRun.Invoke(ExportCli.Create(), "predict", "--onnx", model, "--data", data);
        var skipped = CliRun.Invoke(ExportCli.Create(), "predict", "--onnx", model, "--data", data, "--skip-bad");

        Assert.Equal(ExitCodes.BadInput, refused.ExitCode);
        Assert.StartsWith($"error: {data}:line 2: bad \"text\"", refused.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.True(skipped.ExitCode == ExitCodes.Success, skipped.Error);
        Assert.Equal(2, skipped.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("skipped 1 bad records", skipped.Error);
    }

    [Fact]
    public void ClassificationRead_BytesThatAreNotUtf8_ReadAsReplacementWithAWarningNamingFileAndLines()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("train.jsonl");
        // Line 2: a Latin-1 "é" (0xE9); line 4: a cut two-byte sequence (0xC3 then a quote), twice on one line.
        File.WriteAllBytes(path, [.. "{\"text\": \"ok\", \"label\": \"pos\"}\n{\"text\": \"caf"u8, 0xE9, .. "\", \"label\": \"pos\"}\n{\"text\": \"ok\", \"label\": \"neg\"}\n{\"text\": \"x"u8, 0xC3, .. " y"u8, 0xC3, .. "\", \"label\": \"neg\"}\n"u8]);

        var data = ClassificationReader.Read(path, new DataReadOptions());

        Assert.Equal(["ok", "caf\uFFFD", "ok", "x\uFFFD y\uFFFD"], data.Examples.Select(e => e.TextA));
        Assert.Equal($"{path}: bytes that are not UTF-8 on lines 2, 4, read as U+FFFD (expected UTF-8 text; re-encode the file, e.g. iconv -f latin1 -t utf-8)",
            Assert.Single(data.Warnings));
    }

    [Fact]
    public void DelimitedRead_BytesThatAreNotUtf8_WarnedLikeJsonLines()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("train.tsv");
        File.WriteAllBytes(path, [.. "text\tlabel\nfine\tpos\n"u8, 0xFF, .. "\tneg\n"u8]);

        var data = ClassificationReader.Read(path, new DataReadOptions());

        Assert.Equal(["fine", "\uFFFD"], data.Examples.Select(e => e.TextA));
        Assert.StartsWith($"{path}: bytes that are not UTF-8 on line 3,", Assert.Single(data.Warnings));
    }

    [Fact]
    public void Read_ValidUtf8AcrossTheReadBuffer_NoWarningAndTextIntact()
    {
        using var dir = new TemporaryDirectory();
        // 70,000 bytes put a 4-byte emoji and 2-byte letters across the 64 KiB read boundary.
        var text = string.Concat(Enumerable.Repeat("é😀a", 7000));
        var path = dir.Write("train.jsonl", $$"""{"text": "{{text}}", "label": "pos"}""" + "\n");

        var data = ClassificationReader.Read(path, new DataReadOptions());

        Assert.Equal(text, Assert.Single(data.Examples).TextA);
        Assert.Empty(data.Warnings);
    }

    [Fact]
    public void ReadLines_MixedLineEndsAcrossReadBlocks_SameLinesAsFileReadLines()
    {
        using var dir = new TemporaryDirectory();
        var random = new Random(3);
        string[] ends = ["\n", "\r\n", "\r", "\n\n"];
        // Lines of up to 40,000 characters, so that line ends, "\r\n" pairs and multi-byte letters fall on block boundaries.
        var text = string.Concat(Enumerable.Range(0, 60).Select(i => new string(i % 3 == 0 ? 'é' : 'x', random.Next(0, 40_000)) + ends[random.Next(ends.Length)]));
        var path = dir.Write("lines.txt", text + "last without end");

        var lines = DataTextReader.ReadLines(path, new DataReadOptions(), []).ToList();

        Assert.Equal(File.ReadLines(path), lines);
    }

    [Theory]
    [InlineData("train.jsonl")]
    [InlineData("train.csv")]
    [InlineData("train.txt")]
    public void Read_LineLongerThanTheLimit_DataErrorNamingFileLineAndLimit(string name)
    {
        using var dir = new TemporaryDirectory();
        var header = name.EndsWith(".csv", StringComparison.Ordinal) ? "text,label\n" : "";
        var path = dir.Write(name, header + "short line\n" + new string('x', 101) + "\n");
        var options = new DataReadOptions { MaxLineLength = 100 };

        var error = Assert.Throws<DataFormatException>(() => name.EndsWith(".txt", StringComparison.Ordinal)
            ? (object)TaggingReader.Read(path, options)
            : ClassificationReader.Read(path, options));

        var line = header.Length == 0 ? 2 : 3;
        Assert.StartsWith($"{path}:line {line}: line longer than 100 characters, the limit (DataReadOptions.MaxLineLength)", error.Message);
    }

    /// <summary>
    /// The real executable given /dev/zero as JSON Lines: it must stop at the line limit with exit 3, in bounded
    /// memory. The child's GC heap is capped at 512 MB so that a reader without a limit ends in an
    /// OutOfMemoryException instead of eating the machine; its peak resident memory is read from /proc.
    /// </summary>
    [Fact]
    public async Task Predict_EndlessLine_FailsFastWithTheLimitInBoundedMemory()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("model"));
        var data = dir.File("zero.jsonl");
        File.CreateSymbolicLink(data, "/dev/zero");
        var info = new ProcessStartInfo(Path.Combine(AppContext.BaseDirectory, "export-onnx")) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "predict", "--onnx", model, "--data", data }) info.ArgumentList.Add(arg);
        info.Environment["DOTNET_GCHeapHardLimit"] = "0x20000000";

        using var process = Process.Start(info)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        long peakKb = 0;
        var watch = Stopwatch.StartNew();
        while (!process.WaitForExit(20) && watch.Elapsed < TimeSpan.FromSeconds(60)) peakKb = Math.Max(peakKb, PeakResidentKb(process.Id));
        if (!process.HasExited) process.Kill();
        process.WaitForExit();

        var (stderr, stdout) = (await error, await output);
        Assert.True(process.ExitCode == ExitCodes.BadInput, $"exit {process.ExitCode} after {watch.Elapsed.TotalSeconds:F1} s: {stderr}{stdout}");
        Assert.StartsWith($"error: {data}:line 1: line longer than {DataReadOptions.DefaultMaxLineLength} characters", stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1]);
        Assert.True(peakKb < 400_000, $"peak resident memory {peakKb} kB");
    }

    private static long PeakResidentKb(int pid)
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/status").FirstOrDefault(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0; // exited between the check and the read
        }
    }
}
