using Distill.Cache;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Distillers;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Runs;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Models;
using Distill.Tasks;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.Heads;

namespace Distill.DistillStudent.Api;

/// <summary>
/// Distils a <see cref="Student"/> from a <see cref="Teacher"/> (TextBrewer's GeneralDistiller: KD on the logits, the
/// hard-label term, intermediate matches), or trains it on the labels alone: build one with <see cref="Create"/> or
/// <see cref="Alone"/>, add dev data with <see cref="EvaluateOn"/>, then <see cref="Train(TextData, TrainingConfig, CancellationToken)"/>.
/// The loop is the library's one loop (checkpoints, <c>best/</c>, logs, resume from the output directory's newest checkpoint).
/// </summary>
public sealed class Distiller
{
    private readonly Student student;
    private readonly Teacher? teacher;
    private readonly DistillationConfig distillation;
    private TextData? dev;
    private TextWriter log = Console.Error;
    private Action<CheckpointEvent>? callback;
    private GeneralDistiller? objective;

    private Distiller(Student student, Teacher? teacher, DistillationConfig distillation)
    {
        this.student = student;
        this.teacher = teacher;
        this.distillation = distillation;
    }

    /// <summary>A distillation of <paramref name="student"/> from <paramref name="teacher"/>.</summary>
    /// <param name="student">the student</param>
    /// <param name="teacher">a cache, or a module run online</param>
    /// <param name="config">the objective (TextBrewer's DistillationConfig, its JSON names); null takes its defaults: KD cross-entropy at temperature 4</param>
    public static Distiller Create(Student student, Teacher teacher, DistillationConfig? config = null)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teacher);
        return new Distiller(student, teacher, (config ?? new DistillationConfig()).Validate("distillation config", Registry.ComponentRegistry.Catalog));
    }

    /// <summary>The student trained on the labels alone, by the same loop (TextBrewer's BasicTrainer): the control a distillation is compared with.</summary>
    /// <param name="student">the student; its adaptor must return its losses on the labels</param>
    public static Distiller Alone(Student student)
    {
        ArgumentNullException.ThrowIfNull(student);
        return new Distiller(student, null, new DistillationConfig());
    }

    /// <summary>Scores the student on <paramref name="data"/> at each checkpoint; the best checkpoint's model is kept in <c>OUTPUT/best</c>.</summary>
    /// <param name="data">dev data, tokenized as the training data</param>
    public Distiller EvaluateOn(TextData data)
    {
        dev = data ?? throw new ArgumentNullException(nameof(data));
        return this;
    }

    /// <summary>Where progress, evaluation and resume lines go (default: standard error).</summary>
    /// <param name="writer">the log</param>
    public Distiller LogTo(TextWriter writer)
    {
        log = writer ?? throw new ArgumentNullException(nameof(writer));
        return this;
    }

    /// <summary>Called after each checkpoint with the step, the checkpoint directory, the model and the dev metrics.</summary>
    /// <param name="onCheckpoint">the callback</param>
    public Distiller OnCheckpoint(Action<CheckpointEvent> onCheckpoint)
    {
        callback = onCheckpoint ?? throw new ArgumentNullException(nameof(onCheckpoint));
        return this;
    }

    /// <summary>
    /// Trains on <paramref name="data"/>. A cached teacher's cache must have been made from the same file with the same
    /// reader settings (checked first, every problem named); a student whose tokenizer is not the teacher's (another
    /// vocabulary size) gets the teacher's rows by feature id and token-level targets aligned by character offsets.
    /// </summary>
    /// <param name="data">the training data, tokenized for the student</param>
    /// <param name="config">epochs, batch size, learning rate, seed, threads, output directory (required), checkpoints</param>
    /// <param name="cancellation">stops between batches</param>
    public TrainingSummary Train(TextData data, TrainingConfig config, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(config);
        foreach (var warning in data.Warnings) log.WriteLine($"warning: {warning}");
        var padId = data.Tokenizer.Specials.Pad;
        if (teacher?.CacheDir is { } cacheDir)
        {
            var manifest = CacheManifest.Load(Path.Combine(cacheDir, CacheManifest.FileName));
            var sameTokens = CacheChecks.SharesVocabulary(cacheDir, manifest, data.Tokenizer.VocabSize, data.Kind, distillation);
            // A student with its own tokenizer cuts its inputs at its own length: the file and the columns must be the cache's, the length need not.
            var settings = sameTokens ? data.Settings : data.Settings with { MaxSeqLength = CacheIdentity.DataSettingsFrom(manifest.Data.ReaderSettings).MaxSeqLength };
            CacheChecks.Check(cacheDir, manifest, config.WithDataSettings(settings) with { Task = data.Kind.Name(), TrainFile = data.Path }, distillation, data.Task,
                sameTokens: sameTokens);
            var cache = new TeacherCache(cacheDir, distillation.TeacherHiddenLayers(0), distillation.TeacherAttentionLayers(0)) { ProjectionLayers = distillation.TeacherProjectionLayers(0) };
            return Run(new CachedTeacherFeed([cache], data.Task.Features, data.Kind, padId, config.BatchSize, config.Seed, sameTokens: sameTokens, groupByLength: config.GroupByLength), config, cancellation);
        }
        return Run(new TaskDataFeed(data.Task.Features, data.Kind, padId, config.BatchSize, config.Seed, config.GroupByLength), config, cancellation);
    }

    /// <summary>Trains on batches of your own (TextBrewer's dataloader), with an online teacher or alone.</summary>
    /// <param name="data">the batches, e.g. an <see cref="IndexedFeed"/> over your data set</param>
    /// <param name="config">epochs, batch size (the feed's), learning rate, seed, threads, output directory (required), checkpoints</param>
    /// <param name="cancellation">stops between batches</param>
    public TrainingSummary Train(IBatchFeed data, TrainingConfig config, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(config);
        if (teacher?.CacheDir is { } cacheDir) throw new ConfigException($"a cached teacher ({cacheDir}) joins the student's features by id: train on TextData");
        return Run(data, config, cancellation);
    }

    /// <summary>The student's dev metrics on <paramref name="data"/> (eval mode, no gradients), e.g. accuracy and macro_f1.</summary>
    /// <param name="data">labelled data, tokenized for the student</param>
    /// <param name="batchSize">features per forward pass</param>
    public IReadOnlyDictionary<string, double> Evaluate(TextData data, int batchSize = 32)
    {
        ArgumentNullException.ThrowIfNull(data);
        return Score(data, batchSize).Metrics;
    }

    /// <summary>
    /// The objective of one batch's outputs as training computes it, without a forward pass or an optimizer step: KD on
    /// the logits, the hard-label term, the intermediate matches and the config's <c>objective_terms</c>, each weighted
    /// as at <paramref name="progress"/>, with each named part. For checking a config or a registered component on
    /// tensors of your own; the matches' projections are built once by their factories and kept for later calls (they
    /// are not the ones a <c>Train</c> call trains).
    /// </summary>
    /// <param name="student">the student's adaptor output</param>
    /// <param name="teachers">each teacher's adaptor output (one for a single teacher)</param>
    /// <param name="progress">optimizer steps done and planned, and the epoch, as the schedulers read them</param>
    public LossResult Objective(AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers, TrainingProgress progress)
    {
        ArgumentNullException.ThrowIfNull(student);
        ArgumentNullException.ThrowIfNull(teachers);
        ArgumentNullException.ThrowIfNull(progress);
        if (teacher is null) throw new InvalidOperationException("a student trained alone (Distiller.Alone) has no distillation objective");
        objective ??= new GeneralDistiller(new TrainingConfig(), distillation, this.student.Model, new CachedTeacher(), new TrainerOutput(Path.GetTempPath(), TextWriter.Null, IsTerminal: false));
        return objective.LossOf(student, teachers, progress);
    }

    private TrainingSummary Run(IBatchFeed feed, TrainingConfig config, CancellationToken cancellation)
    {
        var outputDir = config.OutputDir ?? throw new ConfigException("training config: output_dir is required (checkpoints, best/ and logs go there)");
        // The CLI sets these per process; through the library they take effect here, before the first tensor of the run.
        set_num_threads(config.Threads);
        manual_seed(config.Seed);
        var output = new TrainerOutput(outputDir, log, IsTerminal: false);
        Func<EvaluationResult>? evaluate = dev is null ? null : () => Score(dev, config.BatchSize);
        TrainerBase trainer = teacher is null
            ? new BasicTrainer(config, student.Model, output, evaluate)
            : new GeneralDistiller(config, distillation, student.Model, teacher.CacheDir is null ? new OnlineTeacher(teacher.Model!) : new CachedTeacher(), output, evaluate);
        return trainer.Train(null, feed, callback: callback, cancellation: cancellation);
    }

    private EvaluationResult Score(TextData data, int batchSize) =>
        data.Task.Score(ModelRunner.Logits(student.Model.Module, data.Kind, (ids, mask, types) =>
            student.Model.Run(new Batch(new Dictionary<string, Tensor> { [Batch.InputIds] = ids, [Batch.AttentionMask] = mask, [Batch.TokenTypeIds] = types! }, (int)ids.shape[0]))
                .RequireLogits("student"),
            data.Task.Features, batchSize, data.Tokenizer.Specials.Pad));
}
