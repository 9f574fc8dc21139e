using System.Globalization;
using Distill.Tasks;
using Distill.Errors;
using Distill.Cache;
using Distill.TeacherCaching;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Students;
using Distill.Models;
using Distill.Data;
using Distill.DistillStudent.Augmentation;
using Distill.DistillStudent.Configuration;

namespace Distill.DistillStudent.Recipes;

/// <summary>What a recipe run gives: both models' main metric on the dev file, and where the student is.</summary>
internal sealed record RecipeSummary(string Metric, double Teacher, double Student, string StudentDir)
{
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"teacher dev {Metric} {Teacher:F4}; student {Student:F4} ({100 * Student / Teacher:F1}% of the teacher); the student is in {StudentDir}");
}

/// <summary>
/// The recommended recipe end to end on the CPU, from a fine-tuned teacher: the student (teacher layers, a preset or
/// its own vocabulary), the training data with neighbour-replaced copies when the recipe's <c>augment</c> asks for
/// them (<c>OUT/train-augmented.jsonl</c>), the teacher cached once over it with the layers the recipe's matches read,
/// distillation (best checkpoint on the dev file), and both models evaluated on the dev file by <c>eval</c>'s code.
/// Each stage is the library's own (<see cref="StudentBuilder"/>, <see cref="CacheRun"/>, <see cref="DistillationRun"/>,
/// <see cref="ModelEvaluation"/>); a rerun with the same arguments keeps the student and the complete cache shards and
/// resumes distillation from its last checkpoint.
/// </summary>
internal static class RecipeRun
{
    public const string StudentInitDir = "student-init";
    public const string CacheDir = "cache";
    public const string AugmentedTrainFile = "train-augmented.jsonl";

    public static async Task<RecipeSummary> ExecuteAsync(RecipeOptions options, TextWriter log, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Layers is not null && options.Preset is not null) throw new ConfigException("give the student as --layers N or --preset NAME, not both");
        var recipe = RecipeConfig.Load(options.Recipe);
        var teacher = BertConfig.Load(Path.Combine(options.Teacher, ModelDirectory.ConfigFile));
        var output = Path.GetFullPath(options.OutputDir);
        var init = Path.Combine(output, StudentInitDir);
        var cache = Path.Combine(output, CacheDir);
        var training = recipe.Training with
        {
            Task = options.Task.Name(), Model = init, TrainFile = options.TrainFile, DevFile = options.DevFile, OutputDir = output, Threads = options.Threads,
        };
        // Checked before anything is written: a bad recipe or data path leaves no directory behind.
        training.Validate(options.Recipe);
        if (recipe.Augment is not null && options.Task != TaskKind.Classification)
        {
            throw new ConfigException($"{options.Recipe}: augment applies to classification only, not {options.Task.Name()}");
        }
        var layers = options.Preset is null ? RecipeConfig.CopiedLayers(teacher.NumHiddenLayers, options.Layers ?? recipe.StudentLayers) : null;

        Directory.CreateDirectory(output);
        if (!File.Exists(Path.Combine(init, ModelDirectory.ConfigFile)))
        {
            string? vocab = null;
            if (options.VocabSize is { } size)
            {
                vocab = Path.Combine(output, "vocab.txt");
                log.WriteLine($"recipe: {VocabularyBuilder.Run(new VocabularyRequest { Data = options.TrainFile, ReadOptions = training.DataSettings.ReadOptions, Size = size, Output = vocab, Teacher = options.Teacher }).Describe()}");
            }
            var report = StudentBuilder.Write(new StudentRequest { Teacher = options.Teacher, Output = init, Preset = options.Preset, Layers = layers, Vocab = vocab, Seed = training.Seed });
            foreach (var line in report.Describe()) log.WriteLine($"recipe: student: {line}");
        }
        var student = BertConfig.Load(Path.Combine(init, ModelDirectory.ConfigFile));
        if (recipe.Augment is { } augment) training = training with { TrainFile = Augment(options, augment, training, output, log) };

        var run = new DistillRunConfig { Training = training, Distillation = recipe.Resolve(teacher, student, options.Recipe), Cache = [cache] }.Validate(options.Recipe);
        var distillation = run.Distillation;
        log.WriteLine($"recipe: caching the teacher over {training.TrainFile} into {cache}");
        await CacheRun.ExecuteAsync(new CacheRunOptions
        {
            Task = options.Task, DataFile = training.TrainFile!, OutputDir = cache, ModelDir = options.Teacher, Data = training.DataSettings,
            HiddenLayers = distillation.TeacherHiddenLayers(), AttentionLayers = distillation.TeacherAttentionLayers(),
            ProjectionLayers = distillation.TeacherProjectionLayers(), Threads = options.Threads,
        }, log, isTerminal: false, cancellation);

        var summary = DistillationRun.Execute(run, log, isTerminal: false, cancellation);
        var (teacherResult, _, _) = ModelEvaluation.Run(options.Teacher, options.Task, options.DevFile, training.DataSettings, ModelEvaluation.DefaultBatchSize);
        var (studentResult, _, _) = ModelEvaluation.Run(summary.BestDir, options.Task, options.DevFile, training.DataSettings, ModelEvaluation.DefaultBatchSize);
        var metric = teacherResult.MainMetric;
        return new RecipeSummary(metric, teacherResult.Metrics[metric], studentResult.Metrics[metric], summary.BestDir);
    }

    // Written once (atomically) and kept, so that a rerun caches and distils on the same file.
    private static string Augment(RecipeOptions options, RecipeAugmentation augment, TrainingConfig training, string output, TextWriter log)
    {
        var path = Path.Combine(output, AugmentedTrainFile);
        if (File.Exists(path)) return path;
        var fields = training.DataSettings.ReadOptions;
        var examples = ClassificationReader.Read(options.TrainFile, fields).Examples;
        var neighbours = WordNeighbours.FromModel(options.Teacher, examples.Select(e => e.TextA), augment.Candidates, augment.Replace);
        var augmented = NoisyData.Augment(examples, new WordNoise(0, 0, neighbours), augment.Copies, training.Seed);
        NoisyData.Write(path, augmented, fields);
        log.WriteLine($"recipe: {augmented.Count} training examples ({examples.Count} and {augmented.Count - examples.Count} copies, words replaced by the teacher's embedding neighbours) in {path}");
        return path;
    }
}
