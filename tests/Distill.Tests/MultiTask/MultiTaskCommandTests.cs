using System.Text.Json;
using Distill.DistillStudent;
using Distill.DistillStudent.MultiTask;
using Distill.Tests.Support;

namespace Distill.Tests.MultiTask;

/// <summary><c>distill-student distill-multitask</c> through real command lines on the tiny two-task set-up (<see cref="TinyMultiTask"/>).</summary>
public sealed class MultiTaskCommandTests : IClassFixture<TinyMultiTaskFixture>
{
    private readonly TemporaryDirectory dir;

    public MultiTaskCommandTests(TinyMultiTaskFixture setup) => dir = setup.Dir;

    private static CliRun Run(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    [Fact]
    public void DistillMultiTask_TwoTasks_EachHeadLearnsItsTaskAndIsSavedAsATaskModel()
    {
        var output = dir.File("run");

        var run = Run("distill-multitask", "--config", TinyMultiTask.Config(dir, output, steps: 300, ckptSteps: 100));

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var devLines = File.ReadLines(Path.Combine(output, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("split").GetString() == "dev").ToList();
        Assert.Equal(3, devLines.Count);
        var last = devLines[^1];
        var mean = (last.GetProperty("sentiment/accuracy").GetDouble() + last.GetProperty("tags/token_accuracy").GetDouble()) / 2;
        Assert.Equal(mean, last.GetProperty(MultiTaskStudent.MainMetric).GetDouble(), 9);

        // Each head, saved as a plain task model, is read by eval like any other.
        var sentiment = Run("eval", "--task", "classification", "--model", Path.Combine(output, "best", "sentiment"), "--data", dir.File("dev.jsonl"),
            "--max-seq-length", "16", "--json");
        var tags = Run("eval", "--task", "tagging", "--model", Path.Combine(output, "best", "tags"), "--data", dir.File("tags-dev.txt"),
            "--max-seq-length", "16", "--json");
        Assert.True(sentiment.ExitCode == 0 && tags.ExitCode == 0, sentiment.Error + tags.Error);
        var accuracy = JsonDocument.Parse(sentiment.Output).RootElement.GetProperty("accuracy").GetDouble();
        var tokenAccuracy = JsonDocument.Parse(tags.Output).RootElement.GetProperty("token_accuracy").GetDouble();
        Assert.True(accuracy >= 0.9, $"sentiment head: dev accuracy {accuracy} tags {tokenAccuracy}" + File.ReadAllText(Path.Combine(output, "metrics.jsonl")));
        Assert.True(tokenAccuracy >= 0.9, $"tags head: dev token accuracy {tokenAccuracy}");
        Assert.True(File.Exists(Path.Combine(output, "best", MultiTaskStudent.TasksFile)));
    }

    [Fact]
    public void DistillMultiTask_StudentSplittingTheTeachersWords_BothHeadsLearnThroughTheAlignment()
    {
        var student = TinyDistillation.OwnVocabularyStudent(dir, "split-vocab", dir.Write("split-vocab.txt", TinyDistillation.SplitVocabulary));
        var output = dir.File("split-vocab-run");

        var run = Run("distill-multitask", "--config", TinyMultiTask.Config(dir, output, steps: 300, ckptSteps: 300, name: "split-vocab.json", student: student));

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var lines = File.ReadLines(Path.Combine(output, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var hidden = lines.Where(e => e.TryGetProperty("hidden_hidden_mse_0", out _)).Select(e => e.GetProperty("hidden_hidden_mse_0").GetDouble()).ToList();
        Assert.True(hidden[^1] < hidden[0] / 2, $"aligned hidden_mse: first {hidden[0]}, last {hidden[^1]}");
        var dev = lines.Last(e => e.GetProperty("split").GetString() == "dev");
        Assert.True(dev.GetProperty("sentiment/accuracy").GetDouble() >= 0.9, dev.ToString());
        Assert.True(dev.GetProperty("tags/token_accuracy").GetDouble() >= 0.9, dev.ToString());
    }

    [Fact]
    public void DistillMultiTask_BadTaskFields_OneErrorNamingEachField()
    {
        var config = dir.Write("bad-multitask.json", """
            {"training": {"model": "student", "output_dir": "out"}, "num_steps": 0,
             "tasks": [{"name": "a.b", "task": "qa", "train": "t.jsonl", "cache": "c"}, {"name": "x", "task": "tagging", "train": "t.txt"}]}
            """);

        var run = Run("distill-multitask", "--config", config);

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("num_steps must be positive, found 0", run.Error);
        Assert.Contains("tasks[0].name must be letters, digits, '_' or '-', found \"a.b\"", run.Error);
        Assert.Contains("tasks[0].task must be one of classification, tagging, found \"qa\"", run.Error);
        Assert.Contains("tasks[1].cache is required", run.Error);
    }
}
