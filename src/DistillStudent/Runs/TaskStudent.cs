using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.TaskModels;
using Distill.Models;
using Distill.Tasks;
using Distill.Tokenization;
using Distill.Models.Heads;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// A task model (BERT, BiGRU: any <see cref="ITaskModel"/>) with its data, as the stage commands train it: training and dev data read with the model's
/// tokenizer, the model (a fresh head on an encoder-only directory), and how checkpoints save and dev scores it.
/// </summary>
internal sealed class TaskStudent : IDisposable
{
    private TaskStudent(TrainingConfig config, ITaskData train, ITaskData? dev, ITaskModel model, IReadOnlyList<string> labels, WordPieceEncoder tokenizer, string vocabPath)
    {
        Config = config;
        Train = train;
        Dev = dev;
        Model = model;
        Labels = labels;
        Tokenizer = tokenizer;
        VocabPath = vocabPath;
    }

    public TrainingConfig Config { get; }
    public ITaskData Train { get; }
    public ITaskData? Dev { get; }
    public ITaskModel Model { get; }
    public IReadOnlyList<string> Labels { get; }
    public WordPieceEncoder Tokenizer { get; }
    public string VocabPath { get; }

    /// <summary>Reads the data and loads <see cref="TrainingConfig.Model"/> for the config's task; warnings go to <paramref name="log"/>.</summary>
    public static TaskStudent Load(TrainingConfig config, TextWriter log)
    {
        var kind = config.TaskKind;
        TaskModelLoader.CheckMaxSeqLength(config.Model!, config.MaxSeqLength);
        var tokenizer = TaskModelLoader.LoadTokenizer(config.Model!);
        var vocabPath = Path.Combine(config.Model!, ModelDirectory.VocabFile);
        var train = TaskDataLoader.Load(kind, config.TrainFile!, tokenizer, null, config.DataSettings);
        var dev = config.DevFile is null ? null : TaskDataLoader.Load(kind, config.DevFile, tokenizer, train.Labels, config.DataSettings);
        foreach (var warning in train.Warnings.Concat(dev?.Warnings ?? [])) log.WriteLine($"warning: {warning}");
        var (model, labels) = TaskModelLoader.Load(config.Model!, kind, kind == TaskKind.Qa ? null : train.Labels);
        return new TaskStudent(config, train, dev, model, labels, tokenizer, vocabPath);
    }

    /// <summary>The model with its architecture's adaptor; checkpoints save it as a model directory of its type.</summary>
    public AdaptedModel Adapted(bool outputAttentions = false) =>
        Model.Adapted(outputAttentions, dir => Model.Save(dir, Labels, VocabPath));

    /// <summary>Scores the model on the dev data (eval mode, no gradients), or null without dev data.</summary>
    public Func<EvaluationResult>? Evaluate() => Dev is null ? null
        : () => Dev.Score(ModelRunner.Logits(Model.Module, Model.Kind, Model.Logits, Dev.Features, Config.BatchSize, Tokenizer.PadId));

    public Feeds.TaskDataFeed Feed() => new(Train.Features, Config.TaskKind, Tokenizer.PadId, Config.BatchSize, Config.Seed, Config.GroupByLength);

    public void Dispose() => Model.Dispose();
}
