using Distill.Errors;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Recipes;
using Distill.DistillStudent.Registry;
using Distill.Models;
using Distill.Tests.Support;

namespace Distill.Tests.Recipes;

public sealed class RecipeConfigTests
{
    private static readonly BertConfig Teacher = new() { VocabSize = 50, HiddenSize = 384, NumHiddenLayers = 6, NumAttentionHeads = 12, IntermediateSize = 1536 };

    private static RecipeConfig Recipe(string matches) => new()
    {
        Distillation = System.Text.Json.Nodes.JsonNode.Parse($$"""{"temperature": 8, "intermediate_matches": [{{matches}}]}""")!.AsObject(),
    };

    private static IReadOnlyList<(int T, int S)> Pairs(DistillationConfig config) =>
        config.IntermediateMatches.Select((m, i) => (m.TeacherLayers($"m{i}")[0], m.StudentLayers($"m{i}")[0])).ToList();

    [Theory]
    [InlineData(6, 2, new[] { 0, 3 })]
    [InlineData(6, 3, new[] { 0, 2, 4 })]
    [InlineData(6, 4, new[] { 0, 1, 3, 4 })]
    [InlineData(12, 1, new[] { 0 })]
    public void CopiedLayers_EvenlySpacedFromTheFirst(int teacher, int student, int[] expected)
    {
        Assert.Equal(expected, RecipeConfig.CopiedLayers(teacher, student));
    }

    [Fact]
    public void CopiedLayers_DeeperThanTheTeacher_NamesTheRange()
    {
        var error = Assert.Throws<ConfigException>(() => RecipeConfig.CopiedLayers(6, 7));

        Assert.Contains("give 1 to 6 layers", error.Message);
    }

    [Fact]
    public void Resolve_UniformHidden_EveryStudentHiddenStateAgainstItsTeacherLayer()
    {
        var config = Recipe("""{"layers": "uniform", "feature": "hidden", "loss": "hidden_mse"}""")
            .Resolve(Teacher, Teacher with { NumHiddenLayers = 2 }, "r.json");

        Assert.Equal([(0, 0), (3, 1), (6, 2)], Pairs(config));
        Assert.All(config.IntermediateMatches, m => Assert.Null(m.Proj));
    }

    [Fact]
    public void Resolve_LastLayers_HiddenCountsTheEmbeddingsOthersDoNot()
    {
        var config = Recipe("""
            {"layers": "last", "feature": "hidden", "loss": "hidden_mse"},
            {"layers": "last", "feature": "value", "loss": "relation_kl", "relation_heads": 12},
            {"layer_T": 1, "layer_S": 0, "feature": "attention", "loss": "attention_ce"}
            """).Resolve(Teacher, Teacher with { NumHiddenLayers = 3 }, "r.json");

        Assert.Equal([(6, 3), (5, 2), (1, 0)], Pairs(config));
        Assert.Equal(12, config.IntermediateMatches[1].RelationHeads);
    }

    [Fact]
    public void Resolve_NarrowerStudent_HiddenMatchesGetAProjection()
    {
        var config = Recipe("""{"layers": "last", "feature": "hidden", "loss": "hidden_mse"}""")
            .Resolve(Teacher, Teacher with { NumHiddenLayers = 4, HiddenSize = 312 }, "r.json");

        var projection = config.IntermediateMatches[0].Projection("m")!;
        Assert.Equal(("linear", 312, 384), (projection.Kind, projection.StudentDim, projection.TeacherDim));
    }

    [Theory]
    [InlineData("""{"layers": "every", "feature": "hidden"}""", "\"layers\" \"every\" is not a layer rule; known: uniform, last")]
    [InlineData("""{"layers": "uniform", "feature": "value", "loss": "relation_kl"}""", "\"layers\": \"uniform\" pairs hidden states; use \"last\" for value")]
    [InlineData("""{"layers": "last", "layer_T": 5, "feature": "value"}""", "gives both layers \"last\" and layer numbers")]
    public void Resolve_BadRule_NamesTheMatch(string match, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Recipe(match).Resolve(Teacher, Teacher with { NumHiddenLayers = 2 }, "r.json"));

        Assert.Contains("r.json: distillation.intermediate_matches[0]", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("""{"copies": 0}""", "augment.copies must be at least 1, found 0")]
    [InlineData("""{"replace": 1.5}""", "augment.replace must be in [0, 1], found 1.5")]
    [InlineData("""{"candidates": 0}""", "augment.candidates must be at least 1, found 0")]
    public void Load_AugmentOutOfRange_NamesTheField(string augment, string expected)
    {
        using var dir = new TemporaryDirectory();
        var path = dir.Write("r.json", $$$"""{"augment": {{{augment}}}, "distillation": {"temperature": 8}}""");

        var error = Assert.Throws<ConfigException>(() => RecipeConfig.Load(path));

        Assert.Contains($"{path}: {expected}", error.Message);
    }

    [Fact]
    public void Load_ShippedRecipe_ValidForATwoLayerStudentOfMiniLm()
    {
        var path = Path.Combine(TestAssets.RepositoryRoot, "pipelines", "recipe.json");
        var recipe = RecipeConfig.Load(path);

        var config = recipe.Resolve(Teacher, Teacher with { NumHiddenLayers = recipe.StudentLayers }, path)
            .Validate(path, ComponentRegistry.Catalog, studentLayers: recipe.StudentLayers, teacherLayers: [6]);

        Assert.Equal(2, recipe.StudentLayers);
        Assert.Equal(new RecipeAugmentation { Copies = 8 }, recipe.Augment);
        (recipe.Training with { Model = "student", TrainFile = "train.csv", OutputDir = "out" }).Validate(path);
        Assert.NotEmpty(config.IntermediateMatches);
    }
}
