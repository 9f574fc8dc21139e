using System.CommandLine;
using Distill.CacheTeacher;
using Distill.Cli;
using Distill.DistillStudent;
using Distill.Export;
using Distill.Tests.Inference;
using Distill.Tests.Support;

namespace Distill.Tests.Cli;

/// <summary>A count of 0 or below is a usage error (exit 2) on every command that takes one, said before any work.</summary>
public sealed class CountOptionsTests
{
    private static IEnumerable<(string Command, Option Option)> IntegerOptions(Command command, string path)
    {
        foreach (var option in command.Options.Where(o => o.ValueType == typeof(int) || o.ValueType == typeof(int?) || o.ValueType == typeof(long) || o.ValueType == typeof(long?)))
        {
            yield return (path, option);
        }
        foreach (var sub in command.Subcommands.SelectMany(s => IntegerOptions(s, $"{path} {s.Name}"))) yield return sub;
    }

    [Fact]
    public void EveryIntegerOptionOfTheStages_HasAMinimumOrIsDeclaredUnbounded()
    {
        var options = IntegerOptions(ExportCli.Create(), "export-onnx")
            .Concat(IntegerOptions(DistillStudentCli.Create(), "distill-student"))
            .Concat(IntegerOptions(CacheTeacherCli.Create(), "cache-teacher"))
            .ToList();

        Assert.NotEmpty(options);
        Assert.All(options, o => Assert.True(CountOptions.Minimum.ContainsKey(o.Option.Name) || CountOptions.Unbounded.Contains(o.Option.Name),
            $"{o.Command} {o.Option.Name} is an integer option with no minimum in CountOptions (nor declared unbounded)"));
    }

    [Fact]
    public void Predict_BatchSizeZero_IsAUsageErrorNamingTheOption()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyStudents.Classifier(dir.File("model"));
        var data = dir.Write("dev.jsonl", """{"text": "the cat", "label": "pos"}""" + "\n");

        var run = CliRun.Invoke(ExportCli.Create(), "predict", "--onnx", model, "--data", data, "--batch-size", "0");

        Assert.Equal(ExitCodes.Usage, run.ExitCode);
        Assert.Contains("--batch-size must be at least 1, found 0", run.Error);
        Assert.DoesNotContain("onnxruntime", run.Error); // refused before the model is loaded
    }

    public static TheoryData<string, string[]> NonPositiveCounts => new()
    {
        { "export-onnx", ["bench", "--onnx", "m.onnx", "--iterations", "0"] },
        { "export-onnx", ["bench", "--onnx", "m.onnx", "--warmup", "-1"] },
        { "export-onnx", ["parity", "--model", "m", "--onnx", "m.onnx", "--data", "d.jsonl", "--max-examples", "0"] },
        { "export-onnx", ["export", "--model", "m", "--out", "m.onnx", "--threads", "0"] },
        { "export-onnx", ["export", "--model", "m", "--out", "m.onnx", "--calibration-examples", "0"] },
        { "export-onnx", ["export", "--model", "m", "--out", "m.onnx", "--int8-min-elements", "-1"] },
        { "export-onnx", ["export", "--model", "m", "--out", "m", "--max-seq-length", "0"] },
        { "export-onnx", ["quantize", "--onnx", "m.onnx", "--out", "q.onnx", "--int8", "--calibration-examples", "0"] },
        { "distill-student", ["eval", "--task", "classification", "--model", "m", "--data", "d.jsonl", "--batch-size", "-3"] },
        { "distill-student", ["train", "--task", "classification", "--model", "m", "--train", "d.jsonl", "--out", "o", "--epochs", "0"] },
        { "distill-student", ["train", "--task", "classification", "--model", "m", "--train", "d.jsonl", "--out", "o", "--max-seq-length", "0"] },
        { "cache-teacher", ["run", "--model", "m", "--task", "classification", "--data", "d.jsonl", "--out", "c", "--rows-per-shard", "0"] },
        { "cache-teacher", ["run", "--model", "m", "--task", "classification", "--data", "d.jsonl", "--out", "c", "--num-shards", "0"] },
    };

    [Theory]
    [MemberData(nameof(NonPositiveCounts))]
    public void Stage_CountBelowItsMinimum_ExitsWithUsage(string stage, string[] args)
    {
        var root = stage switch { "export-onnx" => ExportCli.Create(), "distill-student" => DistillStudentCli.Create(), _ => CacheTeacherCli.Create() };

        var run = CliRun.Invoke(root, args);

        Assert.True(run.ExitCode == ExitCodes.Usage, $"exit {run.ExitCode}: {run.Error}");
        Assert.Contains("must be at least", run.Error);
    }
}
