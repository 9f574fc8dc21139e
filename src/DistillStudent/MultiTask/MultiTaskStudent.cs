using System.Text.Json;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.IO;
using Distill.Models;
using Distill.Safetensors;
using Distill.Tasks;
using Distill.Tokenization;
using Distill.Models.Heads;

namespace Distill.DistillStudent.MultiTask;

/// <summary>
/// The student of a multi-task run with every task's data: the student directory's encoder with a fresh head per
/// task, each task's training and dev data read with its tokenizer, and how checkpoints save and dev scores it.
/// A saved model directory holds <c>config.json</c> (the encoder's), <c>vocab.txt</c>, <c>model.safetensors</c>
/// (the encoder once and every head) and <c>tasks.json</c> (each head's name, task and labels);
/// <see cref="ExportTasks"/> adds a plain Hugging Face task model per head under <c>DIR/NAME/</c>.
/// </summary>
internal sealed class MultiTaskStudent : IDisposable
{
    public const string TasksFile = "tasks.json";

    private readonly string vocabPath;
    private readonly int batchSize;

    private MultiTaskStudent(MultiTaskModel model, IReadOnlyList<StudentTask> tasks, WordPieceEncoder tokenizer, string vocabPath, int batchSize)
    {
        Model = model;
        Tasks = tasks;
        Tokenizer = tokenizer;
        this.vocabPath = vocabPath;
        this.batchSize = batchSize;
    }

    public MultiTaskModel Model { get; }
    public IReadOnlyList<StudentTask> Tasks { get; }
    public WordPieceEncoder Tokenizer { get; }

    /// <summary>Reads each task's data with the student's tokenizer and builds the model; warnings go to <paramref name="log"/>.</summary>
    public static MultiTaskStudent Load(MultiTaskConfig run, TextWriter log)
    {
        var studentDir = run.Training.Model!;
        // A classification head reads the pooler, as transformers' BertForSequenceClassification does.
        var encoder = ModelDirectory.LoadBert(studentDir, pooler: Enumerable.Range(0, run.Tasks.Count).Any(i => run.TaskTraining(i).TaskKind == TaskKind.Classification));
        var tokenizer = ModelDirectory.LoadTokenizer(studentDir, encoder.Config);
        var tasks = new List<StudentTask>();
        for (var i = 0; i < run.Tasks.Count; i++)
        {
            var config = run.TaskTraining(i);
            encoder.Config.CheckMaxSeqLength(config.MaxSeqLength, Path.Combine(studentDir, ModelDirectory.ConfigFile));
            var train = TaskDataLoader.Load(config.TaskKind, config.TrainFile!, tokenizer, null, config.DataSettings);
            var dev = config.DevFile is null ? null : TaskDataLoader.Load(config.TaskKind, config.DevFile, tokenizer, train.Labels, config.DataSettings);
            foreach (var warning in train.Warnings.Concat(dev?.Warnings ?? [])) log.WriteLine($"warning: {run.Tasks[i].Name}: {warning}");
            tasks.Add(new StudentTask(run.Tasks[i].Name!, config, train, dev));
        }
        var model = new MultiTaskModel(encoder, tasks.Select(t => (t.Name, t.Config.TaskKind, t.Train.Labels.Count)).ToList());
        return new MultiTaskStudent(model, tasks, tokenizer, Path.Combine(studentDir, ModelDirectory.VocabFile), run.Training.BatchSize);
    }

    /// <summary>
    /// The model with BERT's adaptor applied to the head of each batch's task; checkpoints save it as the
    /// multi-task directory described above.
    /// </summary>
    public AdaptedModel Adapted(bool outputAttentions = false) => new(
        Model,
        batch => Model.forward(TaskOf(batch), batch[Batch.InputIds], batch[Batch.AttentionMask], batch[Batch.TokenTypeIds], outputAttentions),
        (batch, raw) => BertAdaptor.Adapt(Model.KindOf(TaskOf(batch)), batch, (TaskOutput)raw),
        Save);

    /// <summary>
    /// Scores every task that has dev data; the metrics are named <c>TASK/METRIC</c>, and checkpoints are ranked by
    /// <c>mean_main</c>, the mean of each task's main metric (accuracy for classification, token accuracy for tagging).
    /// </summary>
    public Func<EvaluationResult>? Evaluate()
    {
        var scored = Tasks.Where(t => t.Dev is not null).ToList();
        if (scored.Count == 0) return null;
        return () =>
        {
            var metrics = new Dictionary<string, double>();
            var mains = new List<double>();
            foreach (var task in scored)
            {
                var result = task.Dev!.Score(ModelRunner.Logits(Model, task.Config.TaskKind,
                    (ids, mask, types) => Model.forward(task.Name, ids, mask, types).Logits, task.Dev.Features, batchSize, Tokenizer.PadId));
                foreach (var (name, value) in result.Metrics) metrics[$"{task.Name}/{name}"] = value;
                mains.Add(result.Main);
            }
            metrics[MainMetric] = mains.Average();
            return new EvaluationResult(metrics, MainMetric, []);
        };
    }

    public const string MainMetric = "mean_main";

    /// <summary>Writes the model into <paramref name="directory"/> (a checkpoint or the best model).</summary>
    public void Save(string directory)
    {
        Directory.CreateDirectory(directory);
        Model.Encoder.Config.Save(Path.Combine(directory, ModelDirectory.ConfigFile));
        SafetensorsFile.Write(Path.Combine(directory, ModelDirectory.WeightsFile), StateDict.Of(Model));
        AtomicFile.Copy(vocabPath, Path.Combine(directory, ModelDirectory.VocabFile));
        var tasks = Tasks.Select(t => new Dictionary<string, object> { ["name"] = t.Name, ["task"] = t.Config.Task, ["labels"] = t.Train.Labels }).ToList();
        AtomicFile.WriteAllText(Path.Combine(directory, TasksFile), JsonSerializer.Serialize(tasks, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>
    /// Loads the multi-task weights saved in <paramref name="directory"/> and writes each head, with the encoder, as
    /// a Hugging Face task model under <c>DIRECTORY/NAME/</c>, which <c>eval</c> and the exporter read like any task model.
    /// </summary>
    public void ExportTasks(string directory)
    {
        var weightsPath = Path.Combine(directory, ModelDirectory.WeightsFile);
        StateDictFile.Load(Model, weightsPath);
        foreach (var task in Tasks)
        {
            using var model = Model.TaskModel(task.Name);
            var target = Path.Combine(directory, task.Name);
            var partial = target + ".partial";
            if (Directory.Exists(partial)) Directory.Delete(partial, recursive: true);
            TaskModelDirectory.Save(partial, model, task.Train.Labels, vocabPath);
            if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
            Directory.Move(partial, target);
        }
    }

    public void Dispose() => Model.Dispose();

    private static string TaskOf(Batch batch) =>
        batch.Task ?? throw new InvalidOperationException("the batch names no task: a multi-task student needs batches from a MultiTaskFeed");
}
