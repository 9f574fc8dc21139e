using Distill.DistillStudent;
using Distill.Tests.Support;

namespace Distill.Tests.Commands;

/// <summary>The defaults that differ from TextBrewer's train() are stated in the help of the commands that train.</summary>
public sealed class DefaultScheduleHelpTests
{
    [Theory]
    [InlineData("train")]
    [InlineData("distill")]
    public void Help_StatesTheDefaultScheduleAndTextBrewers(string command)
    {
        var run = CliRun.Invoke(DistillStudentCli.Create(), command, "--help");

        Assert.Equal(0, run.ExitCode);
        var help = string.Join(" ", run.Output.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("Defaults: AdamW lr 5E-05 with weight decay 0.01, linear warm-up over 10% of the steps then linear decay to 0, "
            + "gradient clipping at max_grad_norm 1 (TextBrewer's train() defaults: constant learning rate, no clipping)", help);
    }
}
