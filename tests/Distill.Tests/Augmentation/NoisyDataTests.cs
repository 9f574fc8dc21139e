using Distill.Cli;
using Distill.Data;
using Distill.DistillStudent;
using Distill.DistillStudent.Augmentation;
using Distill.Tests.Support;

namespace Distill.Tests.Augmentation;

public sealed class NoisyDataTests
{
    private static readonly ClassificationExample[] Examples =
    [
        new("x:2", "good film", null, "1"),
        new("x:3", "bad \"film\"", "a second text", "-1"),
    ];

    [Fact]
    public void Augment_TwoCopies_EachExampleThenItsCopiesWithItsLabel()
    {
        var augmented = NoisyData.Augment(Examples, new WordNoise(0, 0), copies: 2, seed: 1);

        Assert.Equal(["x:2", "x:2#noise1", "x:2#noise2", "x:3", "x:3#noise1", "x:3#noise2"], augmented.Select(e => e.ExampleId));
        Assert.Equal(["1", "1", "1", "-1", "-1", "-1"], augmented.Select(e => e.Label));
        Assert.All(augmented.Skip(3), e => Assert.Equal("a second text", e.TextB));
    }

    [Fact]
    public void Augment_MoreExamplesAfter_EarlierCopiesUnchanged()
    {
        var noise = new WordNoise(0.3, 0.3);
        var longer = Examples[0] with { TextA = string.Join(' ', Enumerable.Range(0, 40).Select(i => $"w{i}")) };

        var alone = NoisyData.Augment([longer], noise, 1, seed: 3);
        var withMore = NoisyData.Augment([longer, Examples[1]], noise, 1, seed: 3);

        Assert.Equal(alone[1], withMore[1]);
    }

    [Fact]
    public void Write_ReadBack_SameExamples()
    {
        using var dir = new TemporaryDirectory();
        var path = Path.Combine(dir.Path, "noisy.jsonl");

        NoisyData.Write(path, Examples);

        Assert.Equal(Examples, ClassificationReader.Read(path, new DataReadOptions()).Examples);
    }

    [Fact]
    public void AugmentCommand_CsvWithOneCopy_WritesReadableJsonLines()
    {
        using var dir = new TemporaryDirectory();
        var data = dir.Write("train.csv", "label,text\n1,a b c\n-1,d e\n");
        var output = Path.Combine(dir.Path, "noisy.jsonl");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "augment", "--data", data, "--copies", "1", "--drop", "0", "--swap", "1", "--out", output);

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Contains("4 examples (2 and 2 noisy copies)", run.Output);
        var read = ClassificationReader.Read(output, new DataReadOptions()).Examples;
        Assert.Equal(["a b c", "b c a", "d e", "e d"], read.Select(e => e.TextA));
        Assert.Equal(["train.csv:2", "train.csv:2#noise1", "train.csv:3", "train.csv:3#noise1"], read.Select(e => e.ExampleId));
    }

    [Fact]
    public void AugmentCommand_DropOfOne_UsageErrorAndNothingWritten()
    {
        using var dir = new TemporaryDirectory();
        var data = dir.Write("train.csv", "label,text\n1,a b c\n");
        var output = Path.Combine(dir.Path, "noisy.jsonl");

        var run = CliRun.Invoke(DistillStudentCli.Create(), "augment", "--data", data, "--drop", "1", "--out", output);

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--drop must be in [0, 1)", run.Error);
        Assert.False(File.Exists(output));
    }
}
