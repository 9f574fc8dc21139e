using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Registry;
using Distill.Models;
using Distill.Tests.Support;
using Distill.Errors;

namespace Distill.Tests.Configuration;

public sealed class DistillationConfigTests
{
    [Fact]
    public void Load_TextBrewerStyleMatches_TeacherLayersForTheCache()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("distill.json", """
            {"temperature": 8, "intermediate_matches": [
              {"layer_T": 0, "layer_S": 0, "feature": "hidden", "loss": "hidden_mse", "weight": 1, "proj": ["linear", 128, 384]},
              {"layer_T": 6, "layer_S": 2, "feature": "hidden", "loss": "hidden_mse", "weight": 1},
              {"layer_T": [2, 4], "layer_S": [1, 2], "feature": "hidden", "loss": "nst", "weight": 1},
              {"layer_T": 5, "layer_S": 1, "feature": "attention", "loss": "attention_mse", "weight": 1}]}
            """);

        var config = DistillationConfig.Load(path);

        Assert.Equal(8, config.Temperature);
        Assert.Equal([0, 2, 4, 6], config.TeacherHiddenLayers());
        Assert.Equal([5], config.TeacherAttentionLayers());
    }

    [Fact]
    public void TeacherLayers_MatchesNamingTeachers_PerTeacherOrAllTogether()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("distill.json", """
            {"intermediate_matches": [
              {"layer_T": 6, "layer_S": 2, "feature": "hidden", "loss": "hidden_mse"},
              {"layer_T": 3, "layer_S": 1, "feature": "hidden", "loss": "hidden_mse", "teacher": 1},
              {"layer_T": 2, "layer_S": 1, "feature": "attention", "loss": "attention_mse", "teacher": 1}]}
            """);

        var config = DistillationConfig.Load(path);

        Assert.Equal([6], config.TeacherHiddenLayers(0));
        Assert.Equal([3], config.TeacherHiddenLayers(1));
        Assert.Equal([3, 6], config.TeacherHiddenLayers());
        Assert.Equal([], config.TeacherAttentionLayers(0));
        Assert.Equal([2], config.TeacherAttentionLayers(1));
        // Teacher 0 is left out when written, so single-teacher run files compare as they did before the field existed.
        Assert.DoesNotContain("teacher", System.Text.Json.JsonSerializer.Serialize(config.IntermediateMatches[0]));
        Assert.Contains("\"teacher\":1", System.Text.Json.JsonSerializer.Serialize(config.IntermediateMatches[1]));
    }

    [Fact]
    public void Load_BadFields_ListsEachByName()
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("distill.json", """
            {"temperature": 0, "kd_loss_type": "kld", "temperature_scheduler": 4,
             "intermediate_matches": [{"layer_T": "x", "layer_S": 1, "feature": "logits"}]}
            """);

        var error = Assert.Throws<ConfigException>(() => DistillationConfig.Load(path));

        Assert.Contains("temperature must be positive, found 0", error.Message);
        Assert.Contains("temperature_scheduler must be", error.Message);
        Assert.Contains("intermediate_matches[0].feature \"logits\" is not known", error.Message);
        Assert.Contains("intermediate_matches[0].layer_T must be a layer number or a pair of them, found \"x\"", error.Message);
        // Names are the registry's: cache-teacher, which loads without it, leaves them to distill.
        Assert.DoesNotContain("kld", error.Message);
    }

    [Fact]
    public void Validate_WithTheRegistry_UnknownNamesListTheRegisteredOnes()
    {
        var config = System.Text.Json.JsonSerializer.Deserialize<DistillationConfig>("""
            {"kd_loss_type": "kld", "temperature_scheduler": "cosine", "kd_loss_weight_scheduler": "linear",
             "intermediate_matches": [{"layer_T": 0, "layer_S": 0, "loss": "hidden_msee", "proj": ["conv", 4, 8]}]}
            """)!;

        var error = Assert.Throws<ConfigException>(() => config.Validate("d.json", ComponentRegistry.Catalog));

        Assert.Contains("kd_loss_type \"kld\" is not known; known: ce, kl, mse", error.Message);
        Assert.Contains("temperature_scheduler \"cosine\" is not known; known: none, constant, cwsm, flsw", error.Message);
        Assert.Contains("kd_loss_weight_scheduler \"linear\" is not known; known: none, linear_decay, linear_growth", error.Message);
        Assert.Contains("intermediate_matches[0].loss \"hidden_msee\" is not known", error.Message);
        Assert.Contains("intermediate_matches[0].proj[0] \"conv\" is not known; known: linear, relu, tanh", error.Message);
    }

    [Fact]
    public void Load_UnknownField_NamesIt()
    {
        using var dir = new TemporaryDirectory();

        var error = Assert.Throws<ConfigException>(() => DistillationConfig.Load(dir.Write("distill.json", """{"temperture": 4}""")));

        Assert.Contains("temperture", error.Message);
    }
}
