using System.Globalization;
using System.Text.RegularExpressions;
using Distill.Cache;
using Distill.DistillStudent;
using Distill.Tests.Support;

namespace Distill.Tests.Recipes;

/// <summary><c>distill-student recipe</c> end to end on the tiny set-up (<see cref="TinyDistillation"/>), with tiny recipes.</summary>
public sealed partial class RecipeCommandTests : IClassFixture<TinyDistillationFixture>
{
    private readonly TemporaryDirectory dir;

    public RecipeCommandTests(TinyDistillationFixture setup) => dir = setup.Dir;

    private string TinyRecipe(string name, string matches, string augment = "", string training = "")
    {
        return dir.Write(name, $$$"""
            {"student_layers": 1, {{{augment}}}
             "training": {{{{training}}} "num_epochs": 8, "learning_rate": 5e-3, "batch_size": 8, "max_seq_length": 16, "seed": 3},
             "distillation": {"temperature": 2, "kd_loss_type": "ce", "hard_label_weight": 0, "intermediate_matches": [{{{matches}}}]}}
            """);
    }

    private CliRun Recipe(string output, string recipe, params string[] extra) =>
        RecipeOn(dir.File("train.jsonl"), dir.File("dev.jsonl"), output, recipe, extra);

    private CliRun RecipeOn(string train, string dev, string output, string recipe, params string[] extra) => CliRun.Invoke(DistillStudentCli.Create(),
        ["recipe", "--teacher", dir.File("teacher-run", "best"), "--train", train, "--dev", dev, "--out", output, "--recipe", recipe, .. extra]);

    [GeneratedRegex(@"recipe: teacher dev accuracy (\d\.\d{4}); student (\d\.\d{4}) \((\d+\.\d)% of the teacher\); the student is in (\S+)")]
    private static partial Regex Summary();

    [Fact]
    public void Recipe_UniformHiddenMatches_CachesTheirLayersDistilsAndPrintsBothAccuracies()
    {
        var output = dir.File("recipe-uniform");
        var recipe = TinyRecipe("uniform.json", """{"layers": "uniform", "feature": "hidden", "loss": "hidden_mse"}""");

        var run = Recipe(output, recipe);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        var summary = Summary().Match(run.Output);
        Assert.True(summary.Success, run.Output);
        var (teacher, student) = (double.Parse(summary.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(summary.Groups[2].Value, CultureInfo.InvariantCulture));
        Assert.True(teacher >= 0.9, $"teacher {teacher}");
        Assert.True(student >= 0.75, $"student {student}");
        Assert.Equal(Path.Combine(output, "best"), summary.Groups[4].Value);
        Assert.True(File.Exists(Path.Combine(output, "best", "model.safetensors")));
        // a 1-layer student of the 2-layer teacher copies layer 0; uniform matches read teacher hidden states 0 and 2
        Assert.Contains("layers [0]", run.Output);
        Assert.Equal([0, 2], CacheManifest.Load(Path.Combine(output, "cache", CacheManifest.FileName)).Spec.HiddenLayers);
    }

    [Fact]
    public void Recipe_OwnVocabularyAndValueRelations_RelationsCachedAndAlignedToTheStudentsTokens()
    {
        var output = dir.File("recipe-relations");
        var recipe = TinyRecipe("relations.json", """{"layers": "last", "feature": "value", "loss": "relation_kl", "relation_heads": 2}""");

        var run = Recipe(output, recipe, "--vocab-size", "40");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Matches(Summary(), run.Output);
        // build-vocab keeps at most 40 pieces, fewer when the data uses fewer; the teacher has 50
        var vocabulary = File.ReadAllLines(Path.Combine(output, "vocab.txt"));
        Assert.InRange(vocabulary.Length, 10, 40);
        Assert.Equal(vocabulary, File.ReadAllLines(Path.Combine(output, "best", "vocab.txt")));
        var spec = CacheManifest.Load(Path.Combine(output, "cache", CacheManifest.FileName)).Spec;
        Assert.Equal([1], spec.ProjectionLayers!);
        Assert.Empty(spec.HiddenLayers);
        Assert.Contains("\"value_relation_kl_0\"", File.ReadAllText(Path.Combine(output, "metrics.jsonl")));
    }

    [Fact]
    public void Recipe_Augment_CachesAndDistilsOnTheDataAndItsCopies()
    {
        var output = dir.File("recipe-augment");
        var recipe = TinyRecipe("augment.json", """{"layers": "uniform", "feature": "hidden", "loss": "hidden_mse"}""", "\"augment\": {\"copies\": 2, \"candidates\": 3},");

        var run = Recipe(output, recipe);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Matches(Summary(), run.Output);
        var source = File.ReadAllLines(dir.File("train.jsonl")).Length;
        var augmented = Path.Combine(output, "train-augmented.jsonl");
        Assert.Equal(3 * source, File.ReadAllLines(augmented).Length);
        var manifest = CacheManifest.Load(Path.Combine(output, "cache", CacheManifest.FileName));
        Assert.Equal(3 * source, manifest.Shards.Sum(shard => shard.Rows));
        Assert.Contains($"\"train_file\": \"{augmented}\"", File.ReadAllText(Path.Combine(output, "distill_run.json")));
    }

    [Fact]
    public void Recipe_OwnColumnNames_VocabularyAndCopiesReadThemAndCopiesKeepThem()
    {
        var output = dir.File("recipe-columns");
        var renamed = new[] { "train.jsonl", "dev.jsonl" }.Select(file => dir.Write($"columns-{file}", File.ReadAllText(dir.File(file))
            .Replace("\"text\":", "\"sentence\":", StringComparison.Ordinal).Replace("\"label\":", "\"polarity\":", StringComparison.Ordinal))).ToList();
        var recipe = TinyRecipe("columns.json", """{"layers": "uniform", "feature": "hidden", "loss": "hidden_mse"}""",
            "\"augment\": {\"copies\": 1, \"candidates\": 3},", "\"text_column\": \"sentence\", \"label_column\": \"polarity\",");

        var run = RecipeOn(renamed[0], renamed[1], output, recipe, "--vocab-size", "40");

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Matches(Summary(), run.Output);
        var copies = File.ReadAllLines(Path.Combine(output, "train-augmented.jsonl"));
        Assert.Equal(2 * TinyDistillation.TrainCount, copies.Length);
        Assert.All(copies, line => Assert.Matches("^\\{\"id\":\"[^\"]+\",\"sentence\":\"[^\"]+\",\"polarity\":\"(pos|neg)\"\\}$", line));
        Assert.Contains("was", File.ReadAllLines(Path.Combine(output, "vocab.txt")));
    }

    [Fact]
    public void Recipe_AugmentForTagging_RefusedBeforeWritingAnything()
    {
        var output = dir.File("recipe-augment-tagging");
        var recipe = TinyRecipe("augment-tagging.json", """{"layers": "uniform", "feature": "hidden", "loss": "hidden_mse"}""", "\"augment\": {\"copies\": 1},");

        var run = Recipe(output, recipe, "--task", "tagging");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("augment applies to classification only, not tagging", run.Error);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Recipe_LayersAndPreset_RefusedBeforeWritingAnything()
    {
        var output = dir.File("recipe-both");

        var run = Recipe(output, TinyRecipe("both.json", """{"layers": "last", "feature": "hidden", "loss": "hidden_mse"}"""), "--layers", "1", "--preset", "T3");

        Assert.Equal(3, run.ExitCode);
        Assert.Contains("--layers N or --preset NAME, not both", run.Error);
        Assert.False(Directory.Exists(output));
    }
}
