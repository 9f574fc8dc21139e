using Distill.IO;
using Distill.DistillStudent;
using Distill.Export;
using Distill.Safetensors;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Training;

/// <summary>
/// <c>train</c>, <c>eval</c> and <c>export</c> through real command lines where a run diverges, where <c>best/</c>
/// goes missing or is damaged after a finished run, and where a model holds non-finite weights.
/// </summary>
public sealed class TrainGuardTests
{
    private static CliRun Train(TemporaryDirectory dir, string encoderDir, string output, params string[] extra) =>
        CliRun.Invoke(DistillStudentCli.Create(), ["train", "--task", "classification", "--model", encoderDir, "--train", dir.File("train.jsonl"),
            "--dev", dir.File("dev.jsonl"), "--out", output, "--batch-size", "4", "--max-seq-length", "16", "--seed", "1", "--threads", "1", .. extra]);

    private static CliRun Eval(string model, string data) =>
        CliRun.Invoke(DistillStudentCli.Create(), "eval", "--task", "classification", "--model", model, "--data", data, "--max-seq-length", "16");

    /// <summary>Every safetensors file under <paramref name="dir"/> with the names of its tensors holding a NaN or an infinity.</summary>
    private static List<string> NonFiniteTensors(string dir)
    {
        var found = new List<string>();
        foreach (var file in Directory.GetFiles(dir, "*.safetensors", SearchOption.AllDirectories))
        {
            var weights = SafetensorsFile.Read(file);
            foreach (var (name, tensor) in weights)
            {
                if (tensor.is_floating_point() && !tensor.isfinite().all().item<bool>()) found.Add($"{file}:{name}");
                tensor.Dispose();
            }
        }
        return found;
    }

    [Fact]
    public void Train_HugeLearningRateWithoutClipping_StopsWithExit5NamingTheStep_NoNonFiniteWeightWritten()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        File.WriteAllText(dir.File("train.json"), """{"max_grad_norm": 0, "ckpt_steps": 1, "log_steps": 1}""");
        var output = dir.File("out");

        var run = Train(dir, encoderDir, output, "--config", dir.File("train.json"), "--lr", "1e30", "--epochs", "3");

        Assert.True(run.ExitCode == 5, $"exit {run.ExitCode}: {run.Output}{run.Error}");
        Assert.Matches(@"step \d+: the loss .*is not finite|step \d+: .*non-finite", run.Error);
        Assert.DoesNotContain("train: done", run.Output);
        if (Directory.Exists(output)) Assert.Empty(NonFiniteTensors(output));
    }

    [Fact]
    public void EvalAndExport_ModelWithANonFiniteWeight_Exit3NamingTheTensor()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        Assert.Equal(0, Train(dir, encoderDir, dir.File("out"), "--epochs", "1").ExitCode);
        var poisoned = dir.File("poisoned");
        Directory.CreateDirectory(poisoned);
        foreach (var file in Directory.GetFiles(dir.File("out", "best")).Where(f => Path.GetFileName(f) is "config.json" or "vocab.txt"))
        {
            File.Copy(file, Path.Combine(poisoned, Path.GetFileName(file)));
        }
        var weights = SafetensorsFile.Read(dir.File("out", "best", "model.safetensors"));
        weights["classifier.weight"][0, 0] = tensor(float.NaN);
        SafetensorsFile.Write(Path.Combine(poisoned, "model.safetensors"), weights);

        var eval = Eval(poisoned, dir.File("dev.jsonl"));
        var export = CliRun.Invoke(ExportCli.Create(), "export", "--model", poisoned, "--out", dir.File("onnx", "model.onnx"));

        Assert.True(eval.ExitCode == 3, $"exit {eval.ExitCode}: {eval.Output}{eval.Error}");
        Assert.Contains("classifier.weight (1 of", eval.Error);
        Assert.Contains("non-finite", eval.Error);
        Assert.True(export.ExitCode == 3, $"exit {export.ExitCode}: {export.Output}{export.Error}");
        Assert.Contains("classifier.weight (1 of", export.Error);
        Assert.False(Directory.Exists(dir.File("onnx")) && Directory.EnumerateFileSystemEntries(dir.File("onnx")).Any());
    }

    [Fact]
    public void Rerun_FinishedRunWithBestDeletedOrDamaged_RewritesItFromTheBestCheckpoint_AndEvalRefusesTheDamagedOne()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        string[] args = ["--lr", "5e-3", "--epochs", "6"];
        var output = dir.File("out");
        var first = Train(dir, encoderDir, output, args);
        Assert.True(first.ExitCode == 0, first.Output + first.Error);
        var best = dir.File("out", "best");
        var expected = Directory.GetFiles(best).ToDictionary(f => Path.GetFileName(f)!, File.ReadAllBytes);
        // The case that matters: the best step is not the last one, whose checkpoint alone is kept for resuming.
        Assert.DoesNotContain("\"global_step\": 36", File.ReadAllText(Path.Combine(best, "trainer_state.json")));

        Directory.Delete(best, recursive: true);
        var afterDelete = Train(dir, encoderDir, output, args);
        var restored = Directory.Exists(best) ? Directory.GetFiles(best).ToDictionary(f => Path.GetFileName(f)!, File.ReadAllBytes) : [];

        var weights = Path.Combine(best, "model.safetensors");
        var bytes = File.ReadAllBytes(weights);
        bytes[^3] ^= 0x10;
        File.WriteAllBytes(weights, bytes);
        var evalDamaged = Eval(best, dir.File("dev.jsonl"));
        var afterFlip = Train(dir, encoderDir, output, args);

        Assert.True(afterDelete.ExitCode == 0, afterDelete.Output + afterDelete.Error);
        Assert.Equal(expected.Keys.Order(), restored.Keys.Order());
        Assert.All(expected, kv => Assert.Equal(kv.Value, restored[kv.Key]));
        Assert.True(evalDamaged.ExitCode == 3, $"exit {evalDamaged.ExitCode}: {evalDamaged.Error}");
        Assert.Contains("checksums.json", evalDamaged.Error);
        Assert.True(afterFlip.ExitCode == 0, afterFlip.Output + afterFlip.Error);
        Assert.Equal(expected["model.safetensors"], File.ReadAllBytes(weights));
    }

    [Fact]
    public void Rerun_FinishedRunWhoseBestAndItsCheckpointAreGone_FailsNamingBest()
    {
        TestAssets.EnsureTorch();
        using var dir = new TemporaryDirectory();
        var encoderDir = TinyTask.Write(dir.Path);
        var output = dir.File("out");
        Assert.Equal(0, Train(dir, encoderDir, output, "--epochs", "2", "--lr", "5e-3").ExitCode);
        Directory.Delete(dir.File("out", "best"), recursive: true);
        var checkpoints = Directory.GetDirectories(dir.File("out", "checkpoints")).Order(StringComparer.Ordinal).ToList();
        // Only the last checkpoint is left to resume from: its state names another step as best, or itself.
        foreach (var older in checkpoints.SkipLast(1)) Directory.Delete(older, recursive: true);
        var last = checkpoints[^1];
        var state = File.ReadAllText(Path.Combine(last, "trainer_state.json"));
        File.WriteAllText(Path.Combine(last, "trainer_state.json"), System.Text.RegularExpressions.Regex.Replace(state, "\"best_step\": \\d+", "\"best_step\": 1"));
        DirectoryChecksums.Write(last);

        var rerun = Train(dir, encoderDir, output, "--epochs", "2", "--lr", "5e-3");

        Assert.True(rerun.ExitCode == 3, $"exit {rerun.ExitCode}: {rerun.Output}{rerun.Error}");
        Assert.Contains("does not hold the best model of this run (step 1)", rerun.Error);
        Assert.DoesNotContain("train: done", rerun.Output);
    }
}
