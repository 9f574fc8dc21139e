using Distill.Logging;

namespace Distill.Tests.Logging;

public sealed class ProgressReporterTests
{
    private static readonly DateTimeOffset Start = new(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Report_Redirected_PrintsAtIntervalsAndOnLastItem()
    {
        var output = new StringWriter();
        var clock = new ManualTimeProvider(Start);
        var progress = new ProgressReporter(output, isTerminal: false, total: 300, "train", time: clock);

        clock.AdvanceSeconds(5);
        progress.Report(50);
        clock.AdvanceSeconds(5);
        progress.Report(100, "loss=0.4512");
        clock.AdvanceSeconds(5);
        progress.Report(150);
        clock.AdvanceSeconds(5);
        progress.Report(200);
        clock.AdvanceSeconds(2);
        progress.Report(300);
        progress.Complete("acc=0.9");

        string[] expected =
        [
            "train 100/300 (33%) 10.0 it/s eta 00:00:20 loss=0.4512",
            "train 200/300 (66%) 10.0 it/s eta 00:00:10",
            "train 300/300 (100%) 13.6 it/s eta 00:00:00",
            "train done 300/300 in 00:00:22 (13.6 it/s) acc=0.9",
        ];
        Assert.Equal(string.Concat(expected.Select(l => l + output.NewLine)), output.ToString());
    }

    [Fact]
    public void Report_RedirectedCustomInterval_PrintsOnlyWhenDue()
    {
        var output = new StringWriter();
        var clock = new ManualTimeProvider(Start);
        var progress = new ProgressReporter(output, isTerminal: false, total: 10, "eval", TimeSpan.FromSeconds(1), clock);

        clock.AdvanceSeconds(0.5);
        progress.Report(1);
        Assert.Equal("", output.ToString());
        clock.AdvanceSeconds(0.5);
        progress.Report(2);

        Assert.Equal("eval 2/10 (20%) 2.0 it/s eta 00:00:04" + output.NewLine, output.ToString());
    }

    [Fact]
    public void Report_Terminal_RedrawsOneLineWithCarriageReturn()
    {
        var output = new StringWriter();
        var clock = new ManualTimeProvider(Start);
        var progress = new ProgressReporter(output, isTerminal: true, total: 300, "train", time: clock);

        progress.Report(30);
        clock.AdvanceSeconds(0.05);
        progress.Report(40);
        clock.AdvanceSeconds(0.95);
        progress.Report(150, "loss=0.5");
        Assert.DoesNotContain(output.NewLine, output.ToString());
        clock.AdvanceSeconds(1);
        progress.Complete();

        var first = "train [###...........................]  10% 30/300 0.0 it/s eta --:--:--";
        var second = "train [###############...............]  50% 150/300 150.0 it/s eta 00:00:01 loss=0.5";
        var last = "train done 150/300 in 00:00:02 (75.0 it/s)".PadRight(second.Length);
        Assert.Equal($"\r{first}\r{second}\r{last}{output.NewLine}", output.ToString());
    }

    [Fact]
    public void Report_AfterComplete_Throws()
    {
        var progress = new ProgressReporter(new StringWriter(), isTerminal: false, total: 3, "train");
        progress.Complete();

        Assert.Throws<InvalidOperationException>(() => progress.Report(1));
    }

    [Fact]
    public void Report_BeyondTotal_Throws()
    {
        var progress = new ProgressReporter(new StringWriter(), isTerminal: false, total: 3, "train");

        Assert.Throws<ArgumentOutOfRangeException>(() => progress.Report(4));
    }
}
