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

    private static void CopyDirectory(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from)) File.Copy(file, Path.Combine(to, Path.GetFileName(file)), overwrite: true);
    }

    private static string[] Trained(string output) =>
        [.. Directory.GetFileSystemEntries(Path.Combine(output, "checkpoints")).Order(StringComparer.Ordinal), File.ReadAllText(Path.Combine(output, "metrics.jsonl"))];

    [Fact]
    public void DistillMultiTask_CacheReplacedOrStudentChangedBetweenRuns_RerunRefusesNamingItAndTrainsNothing()
    {
        var cache = dir.File("pinned-cache");
        CopyDirectory(dir.File("cache"), cache);
        var student = dir.File("pinned-student");
        CopyDirectory(dir.File("student"), student);
        var output = dir.File("pinned");
        string[] args = ["distill-multitask", "--config", TinyMultiTask.Config(dir, output, steps: 10, ckptSteps: 10, name: "pinned.json", student: student, cache: cache), "--threads", "1"];
        var first = Run(args);
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        var trained = Trained(output);
        // Another teacher's cache of the sentiment data, put under the same path: the teacher with one weight changed.
        var otherTeacher = dir.File("other-teacher");
        CopyDirectory(dir.File("teacher-run", "best"), otherTeacher);
        File.Delete(Path.Combine(otherTeacher, "checksums.json"));
        var weights = Distill.Safetensors.SafetensorsFile.Read(Path.Combine(otherTeacher, "model.safetensors"));
        weights["classifier.bias"].add_(0.5f);
        Distill.Safetensors.SafetensorsFile.Write(Path.Combine(otherTeacher, "model.safetensors"), weights);
        var other = CliRun.Invoke(CacheTeacherCli.Create(), "run", "--model", otherTeacher, "--task", "classification",
            "--data", dir.File("train.jsonl"), "--out", dir.File("other-cache"), "--hidden-layers", "0,1,2", "--dtype", "fp32",
            "--max-seq-length", "16", "--rows-per-shard", "20");
        Assert.True(other.ExitCode == 0, other.Output + other.Error);
        Directory.Delete(cache, recursive: true);
        CopyDirectory(dir.File("other-cache"), cache);

        var cacheSwapped = Run(args);

        Directory.Delete(cache, recursive: true);
        CopyDirectory(dir.File("cache"), cache);
        manual_seed(99);
        using (var reinitialized = new BertModel(TinyBert.Config() with { NumHiddenLayers = 1 }, addPoolingLayer: true))
        {
            ModelDirectory.Save(student, reinitialized, dir.File("vocab.txt"));
        }
        var studentChanged = Run(args);

        Assert.True(cacheSwapped.ExitCode == 3, $"exit {cacheSwapped.ExitCode}: {cacheSwapped.Output}{cacheSwapped.Error}");
        Assert.Contains("inputs.tasks[0].cache.teacher changed", cacheSwapped.Error);
        Assert.True(studentChanged.ExitCode == 3, $"exit {studentChanged.ExitCode}: {studentChanged.Output}{studentChanged.Error}");
        Assert.Contains("inputs.student changed", studentChanged.Error);
        Assert.Equal(trained, Trained(output));
    }
}
