using Distill.Logging;
using Distill.Tests.Support;

namespace Distill.Tests.Logging;

/// <summary>A resumed run's metrics file holds each step's lines once: what the killed run logged after its last checkpoint is dropped.</summary>
public sealed class MetricsLogResumeTests
{
    [Fact]
    public void Open_ResumingAfterStep2_DropsLaterStepsAndTheCutLineThenAppends()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("metrics.jsonl", """
            {"step":1,"epoch":0.1,"split":"train","loss":0.9}
            {"step":2,"epoch":0.2,"split":"train","loss":0.8}
            {"step":2,"epoch":0.2,"split":"dev","accuracy":0.5}
            {"step":3,"epoch":0.3,"split":"train","loss":0.7}
            {"step":4,"epoch":0.4,"spl
            """);

        using (var log = new MetricsLog(path, keepThroughStep: 2))
        {
            log.Write(3, 0.3, "train", new Dictionary<string, double> { ["loss"] = 0.7 });
        }

        Assert.Equal([
            """{"step":1,"epoch":0.1,"split":"train","loss":0.9}""",
            """{"step":2,"epoch":0.2,"split":"train","loss":0.8}""",
            """{"step":2,"epoch":0.2,"split":"dev","accuracy":0.5}""",
            """{"step":3,"epoch":0.3,"split":"train","loss":0.7}""",
        ], File.ReadAllLines(path));
    }

    [Fact]
    public void Open_WithoutResumeStep_AppendsToEverything()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("metrics.jsonl", """{"step":9,"epoch":1,"split":"train","loss":0.1}""" + "\n");

        using (var log = new MetricsLog(path))
        {
            log.Write(10, 1.1, "train", new Dictionary<string, double> { ["loss"] = 0.2 });
        }

        Assert.Equal(2, File.ReadAllLines(path).Length);
    }
}
