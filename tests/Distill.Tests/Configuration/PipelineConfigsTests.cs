using Distill.DistillStudent.Registry;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Losses;
using Distill.Tests.Support;

namespace Distill.Tests.Configuration;

/// <summary>The distillation configs the pipelines and bench/folds.sh use are valid for what they are run on: the
/// 6-layer MiniLM teacher and a 2-layer student.</summary>
public sealed class PipelineConfigsTests
{
    private static readonly string Configs = Path.Combine(TestAssets.RepositoryRoot, "pipelines", "configs");

    public static TheoryData<string> Names() => [.. Directory.GetFiles(Configs, "*.json").Select(Path.GetFileName).OfType<string>().Order()];

    [Theory]
    [MemberData(nameof(Names))]
    public void Load_EveryPipelineConfig_ValidForTwoLayerStudentOfMiniLm(string name)
    {
        var path = Path.Combine(Configs, name);

        DistillationConfig.Load(path).Validate(path, ComponentRegistry.Catalog, studentLayers: 2, teacherLayers: [6]);
    }

    [Fact]
    public void Load_MiniLmConfig_LastAttentionLayersOnlyWithAttentionCe()
    {
        var path = Path.Combine(Configs, "minilm-L2.json");

        var config = DistillationConfig.Load(path).Validate(path, ComponentRegistry.Catalog, studentLayers: 2, teacherLayers: [6]);

        Assert.Equal([5], config.TeacherAttentionLayers());
        Assert.Empty(config.TeacherHiddenLayers());
        var match = Assert.Single(config.IntermediateMatches);
        Assert.Equal("attention_ce", match.Loss);
    }
}
