using Distill.DistillStudent;
using Distill.Tests.Configuration;
using Distill.Tests.Support;

namespace Distill.Tests.Distillers;

/// <summary>
/// TextBrewer's own TrainingConfig and DistillationConfig files (Configuration/TextBrewer/*.json) given to
/// <c>distill</c> unchanged, on the tiny set-up: one runs with its warnings first in the log, the default one
/// (device "cuda") stops before any work.
/// </summary>
public sealed class TextBrewerRunTests : IClassFixture<TinyDistillationFixture>
{
    private readonly TemporaryDirectory dir;

    public TextBrewerRunTests(TinyDistillationFixture setup) => dir = setup.Dir;

    /// <summary>
    /// The fixture with its relative output and log directories (TextBrewer's examples write both under
    /// <c>output_root_dir/</c>) under <paramref name="output"/>: a log directory is honoured as given, relative to
    /// the working directory, which in a test is the build output.
    /// </summary>
    private static string Placed(string training, string output)
    {
        var path = Path.Combine(output + "-config", training);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, File.ReadAllText(TextBrewerConfigTests.Fixture(training)).Replace("output_root_dir/", output + "-logs/", StringComparison.Ordinal));
        return path;
    }

    private string[] Args(string output, string training, string distillation) =>
    [
        "distill", "--student", dir.File("student"), "--cache", dir.File("cache"), "--training-config", Placed(training, output),
        "--distill-config", TextBrewerConfigTests.Fixture(distillation), "--task", "classification", "--train", dir.File("train.jsonl"),
        "--out", output, "--batch-size", "4", "--lr", "5e-3", "--max-seq-length", "16", "--epochs", "1",
    ];

    [Fact]
    public void Distill_TextBrewerFiles_RunWithOneWarningPerKeyFirst()
    {
        var output = dir.File("textbrewer-forms");

        var run = CliRun.Invoke(DistillStudentCli.Create(), Args(output, "mnli_multiteacher_training.json", "forms.json"));

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var lines = run.Output.Split('\n');
        Assert.StartsWith("note: fp16: true: Apex fp16 runs on GPUs only; on the CPU training runs in bf16 mixed precision", lines[0]);
        Assert.StartsWith("warning: is_caching_logits: true", lines[1]);
        Assert.StartsWith("schedule: AdamW lr 0.005 with weight decay 0.01, linear warm-up over 10% of the steps then linear decay to 0, gradient clipping at max_grad_norm 1", lines[2]);
        Assert.Contains("trainer: GeneralDistiller", run.Output);
        Assert.Contains("\"hidden_hidden_mse_0\"", File.ReadAllText(Path.Combine(output, "metrics.jsonl")));
    }

    [Fact]
    public void Distill_MnliMultiTeacherFiles_TwoTeachersWithBasicDistiller()
    {
        var output = dir.File("textbrewer-multiteacher");

        var run = CliRun.Invoke(DistillStudentCli.Create(), [.. Args(output, "mnli_multiteacher_training.json", "mnli_multiteacher_distillation.json"), "--cache", dir.File("cache")]);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.StartsWith("note: fp16: true", run.Output);
        Assert.Contains("trainer: BasicDistiller (distiller \"basic\") from 2 teacher caches (multi-teacher: KD on their mean logits)", run.Output);
    }

    [Fact]
    public void Distill_TextBrewerDefaultTrainingConfig_CudaStopsBeforeAnyWorkWithExit5()
    {
        var output = dir.File("textbrewer-defaults");

        var run = CliRun.Invoke(DistillStudentCli.Create(), Args(output, "training_defaults.json", "distillation_defaults.json"));

        Assert.Equal(5, run.ExitCode);
        Assert.StartsWith("error: device \"cuda\": this LibTorch has no CUDA", run.Error.Trim());
        Assert.Single(run.Error.Trim().Split('\n'));
        Assert.False(Directory.Exists(output));
    }
}
