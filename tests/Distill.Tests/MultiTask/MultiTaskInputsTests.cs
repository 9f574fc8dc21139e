using Distill.CacheTeacher;
using Distill.DistillStudent;
using Distill.Models;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.MultiTask;

/// <summary>
/// <c>distill-multitask</c> pins its inputs as <c>distill</c> does: a rerun after a task's cache was rebuilt by
/// another teacher, or the student re-initialized, under the same path is refused (exit 3) naming the input, and
/// trains nothing.
/// </summary>
public sealed class MultiTaskInputsTests : IClassFixture<TinyMultiTaskFixture>
{
    private readonly TemporaryDirectory dir;

    public MultiTaskInputsTests(TinyMultiTaskFixture setup) => dir = setup.Dir;

    private static CliRun Run(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    private static string[] Trained(string output) =>
        [.. Directory.GetFileSystemEntries(Path.Combine(output, "checkpoints")).Order(StringComparer.Ordinal), File.ReadAllText(Path.Combine(output, "metrics.jsonl"))];

    [Fact]
    public void DistillMultiTask_CacheReplacedOrStudentChangedBetweenRuns_RerunRefusesNamingItAndTrainsNothing()
    {
        var cache = dir.File("pinned-cache");
        ChangedInputs.CopyFiles(dir.File("cache"), cache);
        var student = dir.File("pinned-student");
        ChangedInputs.CopyFiles(dir.File("student"), student);
        var output = dir.File("pinned");
        string[] args = ["distill-multitask", "--config", TinyMultiTask.Config(dir, output, steps: 10, ckptSteps: 10, name: "pinned.json", student: student, cache: cache), "--threads", "1"];
        var first = Run(args);
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        var trained = Trained(output);

        var (cacheSwapped, studentChanged) = ChangedInputs.Rerun(() => Run(args), dir, cache, student);

        Assert.True(cacheSwapped.ExitCode == 3, $"exit {cacheSwapped.ExitCode}: {cacheSwapped.Output}{cacheSwapped.Error}");
        Assert.Contains("inputs.tasks[0].cache.teacher changed", cacheSwapped.Error);
        Assert.True(studentChanged.ExitCode == 3, $"exit {studentChanged.ExitCode}: {studentChanged.Output}{studentChanged.Error}");
        Assert.Contains("inputs.student changed", studentChanged.Error);
        Assert.Equal(trained, Trained(output));
    }
}
