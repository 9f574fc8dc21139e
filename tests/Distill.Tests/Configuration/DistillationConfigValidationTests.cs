using System.Text.Json;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Registry;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;

namespace Distill.Tests.Configuration;

public sealed class DistillationConfigValidationTests
{
    private static DistillationConfig Parse(string json) => JsonSerializer.Deserialize<DistillationConfig>(json)!;

    [Fact]
    public void Validate_WithRegistryAndLayerCounts_EveryProblemInOneMessage()
    {
        var config = Parse("""
            {"matches": ["L3_hiden_mse"], "intermediate_matches": [
              {"layer_T": 4, "layer_S": 1, "loss": "hidden_msee"},
              {"layer_T": 4, "layer_S": [1, 2], "loss": "hidden_mse"},
              {"layer_S": 1, "loss": "hidden_mse"},
              {"layer_T": 12, "layer_S": 3, "feature": "attention", "loss": "attention_mse"},
              {"layer_T": 13, "layer_S": 0, "loss": "cos"},
              {"layer_T": [0, 0], "layer_S": 0, "loss": "nst"},
              {"layer_T": 0, "layer_S": 0, "proj": ["conv", 4, 8]},
              {"layer_T": 0, "layer_S": 0, "proj": ["linear", 0, 8]},
              {"layer_T": 0, "layer_S": 0, "proj": ["linear", 4, 8, {"lr": 1, "momentum": 0.9}]},
              {"layer_T": 0, "layer_S": 0, "proj": "linear"}]}
            """);

        var error = Assert.Throws<ConfigException>(() => config.Validate("distill.json", ComponentRegistry.Catalog, studentLayers: 3, teacherLayers: [12]));

        var message = error.Message;
        Assert.StartsWith("distill.json: ", message);
        Assert.Contains("intermediate_matches[0].loss \"hidden_msee\" is not known; known: attention_ce, attention_ce_mean, attention_mse, attention_mse_sum, cos, fsp, gram, hidden_mse, mmd, nst, pkd", message);
        Assert.Contains("intermediate_matches[1].layer_S gives 2 layer(s) but loss \"hidden_mse\" takes 1", message);
        Assert.Contains("intermediate_matches[2].layer_T is missing", message);
        Assert.Contains("intermediate_matches[3].layer_T 12 is out of range: the teacher has attention layers 0..11", message);
        Assert.Contains("intermediate_matches[3].layer_S 3 is out of range: the student has attention layers 0..2", message);
        Assert.Contains("intermediate_matches[4].layer_T 13 is out of range: the teacher has hidden layers 0..12", message);
        Assert.Contains("intermediate_matches[5].layer_S gives 1 layer(s) but loss \"nst\" takes 2", message);
        Assert.Contains("intermediate_matches[6].proj[0] \"conv\" is not known; known: linear, relu, tanh", message);
        Assert.Contains("intermediate_matches[7].proj[1] (dim_S) must be a positive whole number, found 0", message);
        Assert.Contains("intermediate_matches[8].proj[3].momentum is not an option of the projection's optimizer group (AdamW); known: lr, weight_decay, eps, betas", message);
        Assert.Contains("intermediate_matches[9].proj must be [name, dim_S, dim_T]", message);
        Assert.Contains("matches[0] \"L3_hiden_mse\" is not known; known: L3_attention_ce, ", message);
        Assert.DoesNotContain("InvalidOperation", message);
    }

    [Fact]
    public void Load_MissingLayerS_ConfigExceptionNamingTheField()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("distill.json", """{"intermediate_matches": [{"layer_T": 2}]}""");

        var error = Assert.Throws<ConfigException>(() => DistillationConfig.Load(path));

        Assert.Contains("intermediate_matches[0].layer_S is missing", error.Message);
    }

    [Fact]
    public void Load_Presets_AppendedAfterExplicitMatches()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("distill.json", """
            {"matches": ["L3_hidden_mse", "L3_attention_mse"],
             "intermediate_matches": [{"layer_T": 6, "layer_S": 2, "loss": "cos"}]}
            """);

        var config = DistillationConfig.Load(path);

        // 1 explicit + 4 hidden (teacher 0, 4, 8, 12) + 3 attention (teacher layers 4, 8, 12 counted from 0 → 3, 7, 11)
        Assert.Equal(8, config.IntermediateMatches.Count);
        Assert.Equal("cos", config.IntermediateMatches[0].Loss);
        Assert.Empty(config.Matches);
        Assert.Equal([0, 4, 6, 8, 12], config.TeacherHiddenLayers());
        Assert.Equal([3, 7, 11], config.TeacherAttentionLayers());
        Assert.Equal([0, 1, 2], config.IntermediateMatches.Skip(5).SelectMany(m => m.StudentLayers("m")));
    }

    [Fact]
    public void Validate_EveryPreset_FitsATwelveLayerTeacherAndItsStudent()
    {
        foreach (var name in MatchPresets.Names)
        {
            var studentLayers = name.StartsWith("small", StringComparison.Ordinal) ? 12 : int.Parse(name[1..2]);
            var config = new DistillationConfig { Matches = [name] }.Validate(name, ComponentRegistry.Catalog, studentLayers, teacherLayers: [12]);

            Assert.NotEmpty(config.IntermediateMatches);
        }
    }

    [Fact]
    public void MatchPresets_HiddenSmmdAndProjections_AsMatchesPy()
    {
        Assert.True(MatchPresets.TryGet("L4_hidden_smmd", out var smmd));
        // matches.py: layer pairs [0,0]/[0,0], [3,3]/[1,1], … [12,12]/[4,4] with loss mmd
        Assert.Equal(5, smmd.Count);
        Assert.All(smmd, m => Assert.Equal("mmd", m.Loss));
        Assert.Equal([12, 12], smmd[4].TeacherLayers("m"));
        Assert.Equal([4, 4], smmd[4].StudentLayers("m"));

        Assert.True(MatchPresets.TryGet("L4t_hidden_mse", out var tiny));
        Assert.Equal(new Projection("linear", 312, 768, null), tiny[2].Projection("m"));
        Assert.Equal([6], tiny[2].TeacherLayers("m"));
    }

    [Fact]
    public void Projection_FourthElementPath_IsTheInitFile()
    {
        var config = Parse("""{"intermediate_matches": [{"layer_T": 0, "layer_S": 0, "proj": ["tanh", 128, 384, "proj0.safetensors"]}]}""");

        var projection = config.Validate("c").IntermediateMatches[0].Projection("intermediate_matches[0]");

        Assert.Equal(new Projection("tanh", 128, 384, "proj0.safetensors"), projection);
        Assert.Null(Parse("""{"intermediate_matches": [{"layer_T": 0, "layer_S": 0}]}""").IntermediateMatches[0].Projection("m"));
    }

    [Fact]
    public void Validate_TemperatureSchedulerForms_CheckedAndTyped()
    {
        var flsw = Parse("""{"temperature_scheduler": ["flsw", 1, 2], "kd_loss_type": "kl"}""").Validate("c", ComponentRegistry.Catalog);
        var form = flsw.TemperatureSchedulerForm();
        Assert.Equal("flsw", form.Name);
        Assert.Equal([1.0, 2.0], form.Positional);
        Assert.Equal("none", new DistillationConfig().TemperatureSchedulerForm().Name);

        var error = Assert.Throws<ConfigException>(() => Parse("""{"temperature_scheduler": ["cwsm", 0]}""").Validate("c", ComponentRegistry.Catalog));
        Assert.Contains("temperature_scheduler[1] (beta) must be a positive number, found 0", error.Message);
    }
}
