using Distill.DistillStudent;
using Distill.Export.Exporting;
using Distill.Models;
using Distill.Safetensors;
using Distill.Tests.CacheTeacher;
using Distill.Tests.Support;
using static TorchSharp.torch;

namespace Distill.Tests.Teachers;

/// <summary>
/// <c>distill --teacher model.onnx</c> on the tiny set-up (<see cref="TinyDistillation"/>): its teacher exported to
/// ONNX with its last hidden state, run online through ONNX Runtime.
/// </summary>
public sealed class OnlineOnnxTeacherTests : IClassFixture<OnlineOnnxTeacherTests.Setup>
{
    public sealed class Setup : IDisposable
    {
        public Setup()
        {
            TestAssets.EnsureTorch();
            TinyDistillation.Write(Dir);
            var export = OnnxExporter.Export(new ExportRequest(Dir.File("teacher-run", "best"), Dir.File("onnx", "teacher.onnx")) { HiddenState = true }, _ => { });
            if (!export.Published) throw new InvalidOperationException(string.Join("; ", export.Failures));
            // Without dropout a full batch gives the same step whatever the order of its rows, so that the cache's
            // shuffled order and the in-memory feed's order train the same student.
            var config = BertConfig.Load(Dir.File("student", "config.json")) with { HiddenDropoutProb = 0, AttentionProbsDropoutProb = 0 };
            Directory.CreateDirectory(Dir.File("student-no-dropout"));
            foreach (var file in Directory.GetFiles(Dir.File("student"))) File.Copy(file, Dir.File("student-no-dropout", Path.GetFileName(file)));
            config.Save(Dir.File("student-no-dropout", "config.json"));
        }

        internal TemporaryDirectory Dir { get; } = new();

        public void Dispose() => Dir.Dispose();
    }

    private readonly TemporaryDirectory dir;

    public OnlineOnnxTeacherTests(Setup setup) => dir = setup.Dir;

    private static CliRun Run(params string[] args) => CliRun.Invoke(DistillStudentCli.Create(), args);

    /// <summary>The tiny General distillation with the teacher given as <paramref name="teacher"/> (e.g. --teacher FILE) instead of the cache.</summary>
    private string[] Args(string output, string[] teacher, string? distillConfig = null, params string[] extra)
    {
        var args = TinyDistillation.DistillArgs(dir, output, distillConfig: distillConfig, extra: extra).ToList();
        var cacheAt = args.IndexOf("--cache");
        args.RemoveRange(cacheAt, 2);
        return [.. args, .. teacher];
    }

    [Fact]
    public void Distill_OnnxTeacher_SameStudentAsTorchTeacherOnlineAndFromItsCache()
    {
        // One batch of all 48 rows per epoch, no dropout: the three runs see the same batches.
        string[] Common(string output, string[] teacher)
        {
            var args = Args(output, teacher, extra: ["--epochs", "4"]);
            args[Array.IndexOf(args, "--student") + 1] = dir.File("student-no-dropout");
            args[Array.IndexOf(args, "--batch-size") + 1] = "48";
            return args;
        }
        File.WriteAllText(dir.File("onnx-run.json"), $$"""
            {"teacher": "{{dir.File("onnx", "teacher.onnx")}}", "onnx_output": ["logits=logits", "hidden.2=last_hidden_state"]}
            """);

        var onnx = Run([.. Common(dir.File("same-onnx"), []), "--config", dir.File("onnx-run.json")]);
        var torch = Run(Common(dir.File("same-torch"), ["--teacher", dir.File("teacher-run", "best")]));
        var cached = Run(Common(dir.File("same-cache"), ["--cache", dir.File("cache")]));

        Assert.True(onnx.ExitCode == 0, onnx.Output + onnx.Error);
        Assert.True(torch.ExitCode == 0, torch.Output + torch.Error);
        Assert.True(cached.ExitCode == 0, cached.Output + cached.Error);
        Assert.Contains("trainer: GeneralDistiller (distiller \"general\") from the ONNX teacher", onnx.Output);
        var fromOnnx = Weights(dir.File("same-onnx"));
        var toTorch = MaxDifference(fromOnnx, Weights(dir.File("same-torch")));
        var toCache = MaxDifference(fromOnnx, Weights(dir.File("same-cache")));
        // The teachers' outputs agree to ~1e-6; AdamW's normalised steps carry that into the weights as a few 1e-4
        // (as between the TorchSharp teacher online and its cache, which differ only in the order of rows in the batch).
        Assert.True(toTorch < 1e-3, $"ONNX vs TorchSharp teacher online: largest weight difference {toTorch}");
        Assert.True(toCache < 1e-3, $"ONNX online vs the cache: largest weight difference {toCache}");
        // The tolerance tells teachers apart: the same run matching teacher layer 1 instead of 2 ends far from it.
        File.WriteAllText(dir.File("layer-1.json"), File.ReadAllText(dir.File("distill.json")).Replace("\"layer_T\": 2", "\"layer_T\": 1", StringComparison.Ordinal));
        var control = Common(dir.File("same-layer-1"), ["--teacher", dir.File("teacher-run", "best")]);
        control[Array.IndexOf(control, "--distill-config") + 1] = dir.File("layer-1.json");
        Assert.Equal(0, Run(control).ExitCode);
        var toControl = MaxDifference(fromOnnx, Weights(dir.File("same-layer-1")));
        Assert.True(toControl > 1e-2, $"a student matched to another teacher layer differs by {toControl} only");
    }

    [Fact]
    public void Distill_OnnxTeacherWithoutAMatchedLayer_Exits3NamingItAndWritesNothing()
    {
        var error = Refused("unmapped", ["--teacher", dir.File("onnx", "teacher.onnx"), "--onnx-output", "logits=logits"]);

        Assert.Contains("the matches read teacher hidden layers [2], which onnx_output does not map (it maps [])", error);
        Assert.Single(error.TrimEnd().Split('\n'));
    }

    [Fact]
    public void Distill_OnnxOutputTheGraphLacks_Exits3ListingItsOutputsAndWritesNothing()
    {
        var error = Refused("no-such-output", ["--teacher", dir.File("onnx", "teacher.onnx"), "--onnx-output", "logits=logits", "--onnx-output", "hidden.2=hidden_states"]);

        Assert.Contains("the ONNX model has no output hidden_states; its outputs are: logits, last_hidden_state", error);
    }

    [Fact]
    public void Distill_OnnxTeacherOfThreeLabels_Exits3NamingTheWidthsAndWritesNothing()
    {
        var onnxDir = dir.File("three-labels");
        Directory.CreateDirectory(onnxDir);
        OnnxTeacherCacheTests.WriteGraph(Path.Combine(onnxDir, "model.onnx"), TinyOnnx.Random(OnnxTeacherCacheTests.Vocab * OnnxTeacherCacheTests.Hidden, 1),
            TinyOnnx.Random(OnnxTeacherCacheTests.Hidden * 3, 2), labels: 3);
        TinyBert.Config().Save(Path.Combine(onnxDir, "config.json"));
        File.Copy(dir.File("vocab.txt"), Path.Combine(onnxDir, "vocab.txt"));
        File.WriteAllText(dir.File("kd-only.json"), """{"temperature": 2, "kd_loss_type": "ce"}""");

        var error = Refused("three-labels-run", ["--teacher", Path.Combine(onnxDir, "model.onnx"), "--onnx-output", "logits=logits"], distillConfig: dir.File("kd-only.json"));

        Assert.Contains("the ONNX output \"logits\" has shape [1, 3]; classification needs (batch, 2) for 2 labels", error);
    }

    [Fact]
    public void Distill_OnnxTeacherOfAnotherVocabulary_Exits3NamingTheTokenAndWritesNothing()
    {
        var onnxDir = dir.File("other-vocab");
        Directory.CreateDirectory(onnxDir);
        File.Copy(dir.File("onnx", "teacher.onnx"), Path.Combine(onnxDir, "teacher.onnx"));
        File.Copy(dir.File("onnx", "config.json"), Path.Combine(onnxDir, "config.json"));
        var vocab = File.ReadAllLines(dir.File("vocab.txt"));
        (vocab[10], vocab[11]) = (vocab[11], vocab[10]);
        File.WriteAllLines(Path.Combine(onnxDir, "vocab.txt"), vocab);

        var error = Refused("other-vocab-run", ["--teacher", Path.Combine(onnxDir, "teacher.onnx"), "--onnx-output", "logits=logits", "--onnx-output", "hidden.2=last_hidden_state"]);

        Assert.Contains($"the teacher's vocabulary is not the student's (token 10 is \"{vocab[10]}\" in ", error);
    }

    [Fact]
    public void Distill_OnnxOptionsWithADirectoryTeacher_Exits3NamingThem()
    {
        var run = Run(Args(dir.File("onnx-options"), ["--teacher", dir.File("teacher-run", "best"), "--onnx-output", "logits=logits"]));

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("onnx_config, vocab, onnx_output and cased describe an ONNX teacher", run.Error);
    }

    /// <summary>Runs the tiny distillation into <paramref name="name"/> with <paramref name="teacher"/>; asserts exit code 3 and no output directory; returns the error.</summary>
    private string Refused(string name, string[] teacher, string? distillConfig = null)
    {
        var run = Run(Args(dir.File(name), teacher, distillConfig));
        Assert.Equal(3, run.ExitCode);
        Assert.False(Directory.Exists(dir.File(name)));
        return run.Error;
    }

    private static Dictionary<string, Tensor> Weights(string output) =>
        SafetensorsFile.Read(Path.Combine(Directory.GetDirectories(Path.Combine(output, "checkpoints")).Order(StringComparer.Ordinal).Last(), "model.safetensors"));

    private static double MaxDifference(Dictionary<string, Tensor> a, Dictionary<string, Tensor> b)
    {
        Assert.Equal(a.Keys.Order(), b.Keys.Order());
        return a.Keys.Max(key => (a[key] - b[key]).abs().max().item<float>());
    }
}
