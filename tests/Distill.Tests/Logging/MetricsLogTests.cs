using System.Globalization;
using System.Text.Json;
using Distill.Logging;
using Distill.Tests.Support;

namespace Distill.Tests.Logging;

public sealed class MetricsLogTests
{
    [Fact]
    public void Write_OneValue_WritesOneJsonLine()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("metrics.jsonl");

        using (var log = new MetricsLog(path))
        {
            log.Write(120, 0.5, "train", new Dictionary<string, double> { ["loss+kd"] = 0.25 });
        }

        Assert.Equal("{\"step\":120,\"epoch\":0.5,\"split\":\"train\",\"loss+kd\":0.25}\n", File.ReadAllText(path));
    }

    [Fact]
    public void Write_BeforeDispose_LineIsAlreadyInFile()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("metrics.jsonl");
        using var log = new MetricsLog(path);

        log.Write(1, 0, "dev", new Dictionary<string, double> { ["accuracy"] = 0.75, ["f1"] = 0.5 });

        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        using var line = JsonDocument.Parse(reader.ReadLine()!);
        Assert.Equal("dev", line.RootElement.GetProperty("split").GetString());
        Assert.Equal(0.75, line.RootElement.GetProperty("accuracy").GetDouble());
        Assert.Equal(0.5, line.RootElement.GetProperty("f1").GetDouble());
    }

    [Fact]
    public void Constructor_ExistingFile_Appends()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("metrics.jsonl");
        var values = new Dictionary<string, double> { ["loss"] = 1 };

        using (var log = new MetricsLog(path)) log.Write(1, 0.1, "train", values);
        using (var log = new MetricsLog(path)) log.Write(2, 0.2, "train", values);

        var steps = File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement.GetProperty("step").GetInt64());
        Assert.Equal([1L, 2L], steps);
    }

    [Fact]
    public void Write_CommaDecimalCulture_StillWritesInvariantNumbers()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("metrics.jsonl");
        var saved = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            using var log = new MetricsLog(path);
            log.Write(3, 1.5, "dev", new Dictionary<string, double> { ["loss"] = 0.125 });
        }
        finally
        {
            CultureInfo.CurrentCulture = saved;
        }

        Assert.Equal("{\"step\":3,\"epoch\":1.5,\"split\":\"dev\",\"loss\":0.125}\n", File.ReadAllText(path));
    }

    [Fact]
    public void Write_NonFiniteValues_WritesNamedLiteralsAsStrings()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.File("metrics.jsonl");

        using (var log = new MetricsLog(path))
        {
            log.Write(4, 0, "train", new Dictionary<string, double> { ["loss"] = double.NaN });
            log.Write(5, 0, "train", new Dictionary<string, double> { ["loss"] = double.NegativeInfinity });
        }

        Assert.Equal(
            ["{\"step\":4,\"epoch\":0,\"split\":\"train\",\"loss\":\"NaN\"}", "{\"step\":5,\"epoch\":0,\"split\":\"train\",\"loss\":\"-Infinity\"}"],
            File.ReadAllLines(path));
    }

    [Fact]
    public void Write_MetricNamedStep_Throws()
    {
        using var dir = new TemporaryDirectory();
        using var log = new MetricsLog(dir.File("metrics.jsonl"));

        var error = Assert.Throws<ArgumentException>(() => log.Write(1, 0, "train", new Dictionary<string, double> { ["step"] = 2 }));

        Assert.Contains("\"step\" is reserved", error.Message);
    }
}
