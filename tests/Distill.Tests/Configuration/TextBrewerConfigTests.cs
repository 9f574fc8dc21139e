using Distill.Errors;
using System.Text.Json;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Registry;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Schedules;
using Distill.Tests.Support;

namespace Distill.Tests.Configuration;

/// <summary>
/// TextBrewer's own config files (TextBrewer/*.json, as its <c>from_json_file</c> reads them: see the README there)
/// load here unchanged, mean what they mean in TextBrewer, and warn, one line per key, where a key cannot apply.
/// </summary>
public sealed class TextBrewerConfigTests
{
    internal static string Fixture(string name) => Path.Combine(TestAssets.RepositoryRoot, "tests", "Distill.Tests", "Configuration", "TextBrewer", name);

    private static TrainingConfig Runnable(TrainingConfig config) => config with { Model = "m", TrainFile = "t.jsonl" };

    [Fact]
    public void TrainingConfigDefaults_LoadWithEveryKey_QuietAndAskingForCuda()
    {
        var config = Runnable(TrainingConfig.Load(Fixture("training_defaults.json"))).Validate("training_defaults.json");

        Assert.Equal("cuda", config.Device);
        Assert.Equal("./saved_models", config.OutputDir);
        Assert.Equal((false, "O1", false, -1), (config.Fp16, config.Fp16OptLevel, config.DataParallel, config.LocalRank));
        Assert.Null(config.CkptSteps);
        // Each key is at a default that does nothing in TextBrewer either.
        Assert.Empty(config.Notes());
    }

    [Fact]
    public void DistillationConfigDefaults_NullMatchesAreNone_ValidAgainstTheRegistry()
    {
        var config = DistillationConfig.Load(Fixture("distillation_defaults.json")).Validate("d", ComponentRegistry.Catalog, studentLayers: 4, teacherLayers: [12]);

        Assert.Empty(config.IntermediateMatches);
        Assert.False(config.IsCachingLogits);
        Assert.Equal(("ce", 4.0, 1.0, 0.0), (config.KdLossType, config.Temperature, config.KdLossWeight, config.HardLabelWeight));
        Assert.Equal(new TemperatureSchedule("none", 0, 0), TemperatureSchedule.Parse(config.TemperatureScheduler));
        Assert.Empty(config.Notes());
    }

    [Fact]
    public void ReadmeGeneralExample_FourProjectedHiddenMatches()
    {
        var config = DistillationConfig.Load(Fixture("readme_general.json")).Validate("readme", ComponentRegistry.Catalog, studentLayers: 3, teacherLayers: [12]);

        Assert.Equal([0, 4, 8, 12], config.TeacherHiddenLayers());
        Assert.All(config.IntermediateMatches, m => Assert.Equal(new Projection("linear", 384, 768, null), m.Projection("m")));
    }

    [Fact]
    public void MnliT4Tiny_TinyBertMatchesAndFp16_Bf16WithOneLineSayingSo()
    {
        var distillation = DistillationConfig.Load(Fixture("mnli_t4tiny_distillation.json")).Validate("t4tiny", ComponentRegistry.Catalog, studentLayers: 4, teacherLayers: [12]);
        var training = Runnable(TrainingConfig.Load(Fixture("mnli_t4tiny_training.json"))).Validate("t4tiny");

        // The same matches as our presets L4t_hidden_mse + L4_hidden_smmd, which were written from the same matches.py.
        var presets = new DistillationConfig { Matches = ["L4t_hidden_mse", "L4_hidden_smmd"] }.Validate("presets");
        Assert.Equal(Describe(presets), Describe(distillation));
        Assert.Equal(["note: fp16: true: Apex fp16 runs on GPUs only; on the CPU training runs in bf16 mixed precision (matmuls in bf16; weights, optimizer state, LayerNorm, softmax and losses in fp32) instead, as with \"bf16\": true"], training.Notes());
        Assert.True(training.UsesBf16);
    }

    [Fact]
    public void MnliMultiTeacher_LoadsForTwoTeachers()
    {
        var distillation = DistillationConfig.Load(Fixture("mnli_multiteacher_distillation.json")).Validate("mt", ComponentRegistry.Catalog, studentLayers: 4, teacherLayers: [12, 12]);
        var training = Runnable(TrainingConfig.Load(Fixture("mnli_multiteacher_training.json"))).Validate("mt");

        Assert.Equal((8.0, "ce"), (distillation.Temperature, distillation.KdLossType));
        Assert.Single(training.Notes(), n => n.StartsWith("note: fp16: true", StringComparison.Ordinal));
    }

    [Fact]
    public void ArgumentForms_FlswDictWithEpsAndProjectionOptimizerGroup()
    {
        var config = DistillationConfig.Load(Fixture("forms.json")).Validate("forms", ComponentRegistry.Catalog, studentLayers: 1, teacherLayers: [2]);

        Assert.Equal(new TemperatureSchedule("flsw", 1, 2, 0.001), TemperatureSchedule.Parse(config.TemperatureScheduler));
        Assert.Equal(new ProjectionOptimizer(0.001, null, null, null, null), config.IntermediateMatches[0].Projection("m")!.Optimizer);
        Assert.Equal(["warning: is_caching_logits: true has nothing to switch on here: a cached teacher (cache-teacher) is read, not recomputed, every epoch, "
            + "and an online teacher runs on every batch (the same logits, computed again)"], config.Notes());
    }

    [Fact]
    public void Notes_KeysThatCannotApply_OneLineEachNamingTheKeyAndWhatHappens()
    {
        var config = JsonSerializer.Deserialize<TrainingConfig>("""{"fp16": true, "fp16_opt_level": "O2", "data_parallel": true, "local_rank": 0}""")!;

        Assert.Equal([
            "note: fp16: true (fp16_opt_level O2): Apex fp16 runs on GPUs only; on the CPU training runs in bf16 mixed precision (matmuls in bf16; weights, optimizer state, LayerNorm, softmax and losses in fp32) instead, as with \"bf16\": true (O2's fp16 weights are not copied)",
            "warning: data_parallel: true: no torch.nn.DataParallel here; one process trains on one device with the whole batch",
            "warning: local_rank: 0: no distributed training here; this process trains alone on all of the data",
        ], config.Notes());
    }

    [Fact]
    public void Validate_BadTextBrewerValues_NameTheField()
    {
        var config = Runnable(new TrainingConfig { OutputDir = "o", Device = "tpu", Fp16OptLevel = "O4", LocalRank = -2 });

        var error = Assert.Throws<Distill.Errors.ConfigException>(() => config.Validate("t.json"));

        Assert.Contains("device \"tpu\" is not known; known: cpu, cuda, cuda:N", error.Message);
        Assert.Contains("fp16_opt_level \"O4\" is not known; known: O0, O1, O2, O3", error.Message);
        Assert.Contains("local_rank must be -1 (not distributed) or a rank >= 0, found -2", error.Message);
    }

    [Fact]
    public void SaveLoad_AbsentTextBrewerKeys_LeftOutSoRunFilesCompareAsBefore()
    {
        var json = Runnable(new TrainingConfig { OutputDir = "o" }).ToJson();

        Assert.DoesNotContain("fp16", json);
        Assert.DoesNotContain("local_rank", json);
        Assert.DoesNotContain("is_caching_logits", JsonSerializer.Serialize(new DistillationConfig()));
    }

    [Theory]
    [InlineData("cuda", false, "device \"cuda\": this LibTorch has no CUDA")]
    [InlineData("cuda:1", true, "device \"cuda:1\": LibTorch has CUDA here, but training in this toolkit runs on the CPU only so far")]
    public void RequireDevice_Cuda_StopsWithOneLine(string device, bool cudaAvailable, string message)
    {
        var error = Assert.Throws<KindedException>(() => RunPreamble.RequireDevice(device, () => cudaAvailable));

        Assert.Equal(ErrorKind.Environment, error.Kind);
        Assert.StartsWith(message, error.Message);
        Assert.DoesNotContain("\n", error.Message);
        RunPreamble.RequireDevice("cpu", () => throw new InvalidOperationException("not asked for the CPU"));
    }

    private static List<string> Describe(DistillationConfig config) => config.IntermediateMatches
        .Select(m => $"{m.Feature} {m.Loss} T[{string.Join(",", m.TeacherLayers("m"))}] S[{string.Join(",", m.StudentLayers("m"))}] w{m.Weight} {m.Projection("m")}")
        .Order(StringComparer.Ordinal).ToList();
}
