using System.CommandLine;
using Distill.Cli;
using Distill.DistillStudent.Recipes;
using Distill.Tasks;
using Distill.Runtime;

namespace Distill.DistillStudent.Commands;

/// <summary><c>recipe</c>: the recommended recipe end to end (student, cache, distillation, evaluation) from a fine-tuned teacher.</summary>
internal sealed class RecipeCommand : Command
{
    /// <summary>The recommendation this build ships: pipelines/recipe.json, copied beside the executable.</summary>
    internal static string DefaultRecipe => Path.Combine(AppContext.BaseDirectory, "recipe.json");

    private readonly Option<string> teacher = new("--teacher") { Description = "the fine-tuned teacher: a task model directory (e.g. OUT/best of train)", Required = true };
    private readonly Option<string> train = new("--train") { Description = "labelled training data (the teacher is cached over it)", Required = true };
    private readonly Option<string> dev = new("--dev") { Description = "labelled dev data: selects the best checkpoint; both models' accuracy on it is printed", Required = true };
    private readonly Option<string> output = new("--out") { Description = "run directory: the student ends in OUT/best (OUT/student-init and OUT/cache are kept; rerun to resume)", Required = true };
    private readonly Option<int?> layers = new("--layers") { Description = "student depth N, copied from teacher layers ⌊s·L/N⌋ (default: the recipe's student_layers)" };
    private readonly Option<string?> preset = new("--preset") { Description = "a random student of a TextBrewer shape instead (T6, T3, T3-small, T4-tiny, T12-nano)" };
    private readonly Option<int?> vocabSize = new("--vocab-size") { Description = "the student's own vocabulary: this many of the teacher's pieces, those the training data uses most" };
    private readonly Option<string> recipe = new("--recipe") { Description = "the recipe file (training settings and matches)", DefaultValueFactory = _ => DefaultRecipe };
    private readonly Option<string> task = new("--task") { Description = "classification | tagging", DefaultValueFactory = _ => "classification" };
    private readonly Option<int> threads = new("--threads") { Description = "CPU threads", DefaultValueFactory = _ => 1 };

    public RecipeCommand() : base("recipe", "Distil a student from a fine-tuned teacher with the recommended recipe (student from its layers, cached teacher, distillation) and print both models' dev accuracy")
    {
        foreach (var option in new Option[] { teacher, train, dev, output, layers, preset, vocabSize, recipe, task, threads }) Options.Add(option);
        SetAction(ExecuteAsync);
    }

    private async Task<int> ExecuteAsync(ParseResult parse, CancellationToken cancellation)
    {
        TorchRuntime.Initialize(parse.GetValue(threads));
        var log = parse.InvocationConfiguration.Output;
        var summary = await RecipeRun.ExecuteAsync(new RecipeOptions
        {
            Teacher = parse.GetValue(teacher)!,
            TrainFile = parse.GetValue(train)!,
            DevFile = parse.GetValue(dev)!,
            OutputDir = parse.GetValue(output)!,
            Recipe = parse.GetValue(recipe)!,
            Task = TaskKinds.Parse(parse.GetValue(task)!, "--task"),
            Layers = parse.GetValue(layers),
            Preset = parse.GetValue(preset),
            VocabSize = parse.GetValue(vocabSize),
            Threads = parse.GetValue(threads),
        }, log, cancellation);
        log.WriteLine($"recipe: {summary.Describe()}");
        return ExitCodes.Success;
    }
}
