using System.Diagnostics;
using Distill.Cli;
using Distill.Export;
using Distill.Inference;
using Distill.Tests.Support;

namespace Distill.Tests.Export.Exporting;

/// <summary>
/// An export directory is published as one unit (model, vocab.txt, config.json, tokenizer files, manifest.json): a full disk or
/// a kill -9 leaves the old directory whole or the new one, never a model alone or beside an old vocabulary,
/// and the temporaries of a killed export are gone after the next one.
/// </summary>
public sealed class ExportPublishTests
{
    private static CliRun Export(string model, string onnx, params string[] more) =>
        CliRun.Invoke(ExportCli.Create(), ["export", "--model", model, "--out", onnx, .. more]);

    /// <summary>A flat export's directory (<c>--out DIR/model.onnx</c>), sorted.</summary>
    private static readonly string[] FlatExport =
        ["config.json", "manifest.json", "model.onnx", "special_tokens_map.json", "tokenizer.json", "tokenizer_config.json", "vocab.txt"];

    /// <summary>Every file under <paramref name="directory"/>, relative, '/'-separated, sorted.</summary>
    private static string[] Tree(string directory) =>
        [.. Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(directory, f).Replace('\\', '/')).Order(StringComparer.Ordinal)];

    private static string[] Temporaries(string directory) =>
        [.. Directory.EnumerateFileSystemEntries(directory, "*", SearchOption.AllDirectories).Where(p => Path.GetFileName(p).Contains(".tmp-", StringComparison.Ordinal) || Path.GetFileName(p).Contains(".old-", StringComparison.Ordinal))];

    private static Dictionary<string, byte[]> Files(string directory) =>
        Directory.GetFiles(directory).ToDictionary(f => Path.GetFileName(f)!, File.ReadAllBytes);

    [SkippableFact]
    public void Export_DiskFullAfterTheModelIsWritten_PublishesNothingThenWholeOnRerun()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var reference = dir.File("reference", "model.onnx");
        Assert.Equal(ExitCodes.Success, Export(model, reference).ExitCode);
        var mount = dir.File("disk");
        Directory.CreateDirectory(mount);
        Skip.IfNot(Shell("mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", mount) == 0, "mounting a tmpfs is not permitted here (the test needs root)");
        try
        {
            // Room for the model's pages and not one page more: vocab.txt is the first thing that does not fit.
            const int Page = 4096;
            var modelPages = (new FileInfo(reference).Length + Page - 1) / Page * Page;
            using (var filler = File.Create(Path.Combine(mount, "filler"))) filler.SetLength(new DriveInfo(mount).AvailableFreeSpace - modelPages);
            using (var filler = File.OpenWrite(Path.Combine(mount, "filler"))) filler.Write(new byte[filler.Length]); // tmpfs counts written pages
            Assert.Equal(modelPages, new DriveInfo(mount).AvailableFreeSpace);
            var onnx = Path.Combine(mount, "onnx", "model.onnx");

            using (var full = ChildProcess.Start("export-onnx", ["export", "--model", model, "--out", onnx]))
            {
                var code = full.WaitForExit(TimeSpan.FromSeconds(120));
                Assert.True(code == ExitCodes.IoFailure, $"exit {code}\n{full.Output}{full.Error}");
                Assert.Contains("No space left on device", full.Error);
            }
            Assert.False(Directory.Exists(Path.GetDirectoryName(onnx)), "a partial export directory was published");
            Assert.Equal(["filler"], Directory.GetFileSystemEntries(mount).Select(Path.GetFileName));

            File.Delete(Path.Combine(mount, "filler"));
            using (var rerun = ChildProcess.Start("export-onnx", ["export", "--model", model, "--out", onnx]))
            {
                Assert.True(rerun.WaitForExit(TimeSpan.FromSeconds(120)) == 0, rerun.Output + rerun.Error);
            }
            Assert.Equal(FlatExport, Directory.GetFiles(Path.GetDirectoryName(onnx)!).Select(Path.GetFileName).Order(StringComparer.Ordinal));
            Assert.Equal(File.ReadAllBytes(reference), File.ReadAllBytes(onnx));
            ExportManifest.Verify(onnx);
            Assert.Empty(Temporaries(mount));
        }
        finally
        {
            Shell("umount", mount);
        }
    }

    [Fact]
    public void Export_KilledWhileChecking_OldExportStaysWholeAndTheNextExportRemovesTheOrphans()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("onnx", "model.onnx");
        Assert.Equal(ExitCodes.Success, Export(model, onnx).ExitCode);
        var before = Files(dir.File("onnx"));

        using (var killed = ChildProcess.Start("export-onnx", ["export", "--model", model, "--out", onnx]))
        {
            var watch = Stopwatch.StartNew();
            while (Temporaries(dir.Path).Length == 0 && !killed.Process.HasExited && watch.Elapsed < TimeSpan.FromSeconds(120)) Thread.Sleep(1);
            if (killed.Process.HasExited) Assert.Fail($"the export ended (exit {killed.Process.ExitCode}) before its temporary was seen: {killed.Error}");
            killed.Process.Kill(); // SIGKILL
            killed.Process.WaitForExit();
        }
        Assert.NotEmpty(Temporaries(dir.Path));
        Assert.Equal(before, Files(dir.File("onnx")));

        Assert.Equal(ExitCodes.Success, Export(model, onnx).ExitCode);

        Assert.Empty(Temporaries(dir.Path));
        Assert.Equal(before.Keys.Order(StringComparer.Ordinal), Files(dir.File("onnx")).Keys.Order(StringComparer.Ordinal));
        ExportManifest.Verify(onnx);
    }

    [Fact]
    public void Export_OverAnOldExport_ReplacesItsFilesTogetherAndKeepsTheOthers()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("onnx", "model.onnx");
        Assert.Equal(ExitCodes.Success, Export(model, onnx).ExitCode);
        File.WriteAllText(dir.File("onnx", "dev-predictions.jsonl"), "{}\n");
        // Another token on the last line: the vocabulary may not outgrow vocab_size (every stage checks that).
        var vocab = File.ReadAllLines(dir.File("model", "vocab.txt"));
        vocab[^1] = "extra";
        File.WriteAllLines(dir.File("model", "vocab.txt"), vocab);

        Assert.Equal(ExitCodes.Success, Export(model, onnx, "--hidden-state").ExitCode);

        Assert.Equal(File.ReadAllBytes(dir.File("model", "vocab.txt")), File.ReadAllBytes(dir.File("onnx", "vocab.txt")));
        Assert.Equal("{}\n", File.ReadAllText(dir.File("onnx", "dev-predictions.jsonl")));
        ExportManifest.Verify(onnx);
        Assert.Equal(FlatExport.Where(f => f != "manifest.json"), ExportManifest.TryLoad(dir.File("onnx"))!.Files.Keys);
    }

    [Fact]
    public void Export_ThroughASymbolicLink_ReplacesTheLinkedDirectoryAndKeepsTheLink()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        Directory.CreateDirectory(dir.File("real"));
        Directory.CreateSymbolicLink(dir.File("linked"), dir.File("real"));

        Assert.Equal(ExitCodes.Success, Export(model, dir.File("linked", "model.onnx")).ExitCode);

        Assert.Equal(dir.File("real"), new DirectoryInfo(dir.File("linked")).LinkTarget);
        ExportManifest.Verify(dir.File("real", "model.onnx"));
    }

    [Fact]
    public void Export_IntoADirectoryHoldingDirectories_RefusedBeforeAnyWork()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);

        var run = Export(model, dir.File("model.onnx"));

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains($"{dir.Path} holds ", run.Error);
        Assert.Contains("which are directories; the output is published by replacing the whole directory, so it needs a directory of its own", run.Error);
        Assert.False(File.Exists(dir.File("model.onnx")));
    }

    [Fact]
    public void PredictAndParity_Verify_RefuseABitFlippedModelThatLoadsWithoutIt()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("onnx", "model.onnx");
        Assert.Equal(ExitCodes.Success, Export(model, onnx).ExitCode);
        var data = dir.File("dev.jsonl");
        Assert.Equal(ExitCodes.Success, CliRun.Invoke(ExportCli.Create(), "predict", "--onnx", onnx, "--data", data, "--verify").ExitCode);

        // One bit of the last weight (the classifier's bias, stored at the end) flipped: still a valid model.
        var bytes = File.ReadAllBytes(onnx);
        bytes[^40] ^= 0x01;
        File.WriteAllBytes(onnx, bytes);

        var unchecked_ = CliRun.Invoke(ExportCli.Create(), "predict", "--onnx", onnx, "--data", data);
        var predict = CliRun.Invoke(ExportCli.Create(), "predict", "--onnx", onnx, "--data", data, "--verify");
        var parity = CliRun.Invoke(ExportCli.Create(), "parity", "--model", model, "--onnx", onnx, "--data", data, "--verify");

        Assert.True(unchecked_.ExitCode == ExitCodes.Success, unchecked_.Error);
        foreach (var run in new[] { predict, parity })
        {
            Assert.Equal(ExitCodes.BadInput, run.ExitCode);
            Assert.StartsWith($"error: {onnx}: SHA-256 ", run.Error);
            Assert.Contains("recorded in manifest.json: the file was damaged or replaced after the export", run.Error);
        }
    }

    [Fact]
    public void Quantize_PublishesTheModelWithItsVocabularyConfigAndManifest()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var onnx = dir.File("onnx", "model.onnx");
        Assert.Equal(ExitCodes.Success, Export(model, onnx).ExitCode);

        var run = CliRun.Invoke(ExportCli.Create(), "quantize", "--onnx", onnx, "--out", dir.File("int8", "model.onnx"), "--int8", "--min-elements", "16");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        Assert.Equal(FlatExport, Directory.GetFiles(dir.File("int8")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(ExitCodes.Success, CliRun.Invoke(ExportCli.Create(), "predict", "--onnx", dir.File("int8", "model.onnx"), "--data", dir.File("dev.jsonl"), "--verify").ExitCode);
    }

    [Fact]
    public void ExportToDirectory_WithOptimizeAndFused_OneManifestCoversTheLayoutAndEveryModel()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var export = dir.File("student");
        Directory.CreateDirectory(export);
        File.WriteAllText(Path.Combine(export, "notes.txt"), "mine\n");

        var run = Export(model, export, "--optimize", "--fused");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Output + run.Error);
        string[] models = ["onnx/model.onnx", "onnx/model_fused.onnx", "onnx/model_optimized.onnx"];
        string[] listed = [.. ExportLayout.Files.Concat(models).Distinct().Order(StringComparer.Ordinal)];
        Assert.Equal(listed.Append("manifest.json").Append("notes.txt").Order(StringComparer.Ordinal), Tree(export));
        Assert.Equal(listed, ExportManifest.TryLoad(export)!.Files.Keys);
        Assert.Empty(Temporaries(dir.Path));
        ExportManifest.Verify(export);
        foreach (var file in models) ExportManifest.Verify(Path.Combine(export, file));

        // The tokenizer is part of the unit: a changed tokenizer.json is refused as a changed model would be.
        File.AppendAllText(Path.Combine(export, "tokenizer.json"), " ");
        var predict = CliRun.Invoke(ExportCli.Create(), "predict", "--onnx", export, "--data", dir.File("dev.jsonl"), "--verify");
        Assert.Equal(ExitCodes.BadInput, predict.ExitCode);
        Assert.StartsWith($"error: {Path.Combine(export, "tokenizer.json")}: SHA-256 ", predict.Error);
    }

    [Fact]
    public void ExportToDirectory_HoldingAnotherSubdirectory_RefusedBeforeAnyWorkNamingIt()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var export = dir.File("student");
        Assert.Equal(ExitCodes.Success, Export(model, export).ExitCode);
        Directory.CreateDirectory(Path.Combine(export, "runs"));
        var before = Tree(export);

        var run = Export(model, export);

        Assert.Equal(ExitCodes.BadInput, run.ExitCode);
        Assert.Contains($"{export} holds runs, which are directories", run.Error);
        Assert.Equal(before, Tree(export));
    }

    [Fact]
    public void Quantize_IntoTheOnnxFolderOfAnExport_AddsTheModelToThatExportAndKeepsTheFirst()
    {
        using var dir = new TemporaryDirectory();
        var model = TinyModelDirectory.Write(dir);
        var export = dir.File("student");
        Assert.Equal(ExitCodes.Success, Export(model, export).ExitCode);
        var first = File.ReadAllBytes(Path.Combine(export, "onnx", "model.onnx"));

        var run = CliRun.Invoke(ExportCli.Create(), "quantize", "--onnx", Path.Combine(export, "onnx", "model.onnx"),
            "--out", Path.Combine(export, "onnx", "model_int8.onnx"), "--int8", "--min-elements", "16");

        Assert.True(run.ExitCode == ExitCodes.Success, run.Error);
        string[] listed = [.. ExportLayout.Files.Append("onnx/model_int8.onnx").Order(StringComparer.Ordinal)];
        Assert.Equal(listed.Append("manifest.json").Order(StringComparer.Ordinal), Tree(export));
        Assert.Equal(listed, ExportManifest.TryLoad(export)!.Files.Keys);
        Assert.Equal(first, File.ReadAllBytes(Path.Combine(export, "onnx", "model.onnx")));
        Assert.Equal(ExitCodes.Success, CliRun.Invoke(ExportCli.Create(), "predict", "--onnx", Path.Combine(export, "onnx", "model_int8.onnx"), "--data", dir.File("dev.jsonl"), "--verify").ExitCode);
    }

    private static int Shell(string command, params string[] args)
    {
        var info = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        process.WaitForExit();
        return process.ExitCode;
    }
}
