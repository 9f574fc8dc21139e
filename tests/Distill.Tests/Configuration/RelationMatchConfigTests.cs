using System.Text.Json;
using Distill.Errors;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Registry;
using Distill.DistillStudent.Runs;
using Distill.Models;

namespace Distill.Tests.Configuration;

public sealed class RelationMatchConfigTests
{
    private static DistillationConfig Parse(string json) => JsonSerializer.Deserialize<DistillationConfig>(json)!;

    [Fact]
    public void Validate_RelationMatches_LayersCountLikeAttentionAndHeadsPositive()
    {
        var config = Parse("""
            {"intermediate_matches": [
              {"layer_T": 12, "layer_S": 2, "feature": "value", "loss": "relation_kl", "relation_heads": 12},
              {"layer_T": 11, "layer_S": 2, "feature": "query", "loss": "relation_kl", "relation_heads": 0},
              {"layer_T": 11, "layer_S": 2, "feature": "attention", "loss": "attention_ce", "relation_heads": 4}]}
            """);

        var error = Assert.Throws<ConfigException>(() => config.Validate("d.json", ComponentRegistry.Catalog, studentLayers: 3, teacherLayers: [12]));

        Assert.Contains("intermediate_matches[0].layer_T 12 is out of range: the teacher has value layers 0..11", error.Message);
        Assert.Contains("intermediate_matches[1].relation_heads must be at least 1, found 0", error.Message);
        Assert.Contains("intermediate_matches[2].relation_heads splits (batch, tokens, width) features; attention is already per head", error.Message);
    }

    [Fact]
    public void TeacherProjectionLayers_QueryKeyAndValueMatches_OneSortedList()
    {
        var config = Parse("""
            {"intermediate_matches": [
              {"layer_T": 5, "layer_S": 1, "feature": "value", "loss": "relation_kl"},
              {"layer_T": 3, "layer_S": 0, "feature": "query", "loss": "relation_kl"},
              {"layer_T": 5, "layer_S": 1, "feature": "key", "loss": "relation_kl"},
              {"layer_T": 4, "layer_S": 1, "feature": "attention", "loss": "attention_ce"}]}
            """).Validate("d.json", ComponentRegistry.Catalog);

        Assert.Equal([3, 5], config.TeacherProjectionLayers());
        Assert.Equal([4], config.TeacherAttentionLayers());
    }

    [Fact]
    public void ConfigShapeCheck_RelationHeadsNotDividingAWidth_NamesBothWidths()
    {
        var config = Parse("""{"intermediate_matches": [{"layer_T": 5, "layer_S": 1, "feature": "value", "loss": "relation_kl", "relation_heads": 12}]}""")
            .Validate("d.json", ComponentRegistry.Catalog);

        var error = Assert.Throws<ConfigException>(() => ConfigShapeCheck.Check(config, new ConfigShapeCheck.Side(128, 2), [new ConfigShapeCheck.Side(384, 12)]));

        Assert.Contains("intermediate_matches[0].relation_heads 12 must divide both sides' widths: the student's is 128, the teacher's 384", error.Message);
        ConfigShapeCheck.Check(config with { IntermediateMatches = [config.IntermediateMatches[0] with { RelationHeads = 32 }] },
            new ConfigShapeCheck.Side(128, 2), [new ConfigShapeCheck.Side(384, 12)]);
    }
}
