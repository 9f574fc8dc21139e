using System.Diagnostics;
using System.Globalization;
using Distill.Configuration;
using Distill.Logging;
using Distill.Models;
using Distill.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>Where a trainer writes: the output directory, the vocabulary to ship with checkpoints, the console.</summary>
public sealed record TrainerOutput(string OutputDir, string VocabPath, TextWriter Log, bool IsTerminal);

/// <summary>
/// The one training loop (TextBrewer's template method): epochs of shuffled batches, gradient accumulation,
/// AdamW with linear warm-up and decay, gradient clipping, checkpoints with dev evaluation, the best model
/// kept, TensorBoard and JSONL logs, and exact resume. Subclasses only say how a batch's loss is computed.
/// </summary>
public abstract class TrainerBase
{
    private readonly TrainingConfig config;
    private readonly IReadOnlyList<string> labels;
    private readonly ITaskData train;
    private readonly ITaskData? dev;
    private readonly TrainerOutput output;
    private readonly int padId;

    protected TrainerBase(TrainingConfig config, BertTaskModel model, IReadOnlyList<string> labels, ITaskData train, ITaskData? dev, int padId, TrainerOutput output)
    {
        this.config = config;
        Model = model;
        this.labels = labels;
        this.train = train;
        this.dev = dev;
        this.padId = padId;
        this.output = output;
    }

    protected BertTaskModel Model { get; }

    /// <summary>The loss of one batch, with its named parts for logging.</summary>
    protected abstract LossResult ComputeLoss(FeatureBatch batch);

    /// <summary>Trains from the newest checkpoint in the output directory if there is one, else from the start.</summary>
    public TrainingSummary Train(CancellationToken cancellation = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var plan = TrainingPlan.From(config, train.Features.Count);
        var store = new CheckpointStore(output.OutputDir);
        using var optimizer = CreateOptimizer();
        var state = new TrainerState();
        if (store.Latest() is { } checkpoint)
        {
            state = CheckpointStore.Restore(checkpoint, optimizer);
            output.Log.WriteLine($"train: resuming from {checkpoint} (step {state.GlobalStep} of {plan.TotalSteps})");
        }
        else
        {
            output.Log.WriteLine($"train: {train.Features.Count} examples, {plan.Epochs} epochs, {plan.StepsPerEpoch} steps per epoch, {plan.TotalSteps} steps");
        }

        var tensorboard = utils.tensorboard.SummaryWriter(config.LogDir ?? Path.Combine(output.OutputDir, "runs"));
        using var metricsLog = new MetricsLog(Path.Combine(output.OutputDir, "metrics.jsonl"));
        var progress = new ProgressReporter(output.Log, output.IsTerminal, plan.TotalSteps, "train");
        var parameters = Model.parameters().Where(p => p.requires_grad).ToList();
        var running = new Dictionary<string, double>();
        var runningBatches = 0;

        for (var epoch = state.Epoch; epoch < plan.Epochs; epoch++)
        {
            var batches = plan.Order(epoch).Chunk(config.BatchSize).ToArray();
            var first = epoch == state.Epoch ? state.NextBatch : 0;
            for (var b = first; b < batches.Length; b++)
            {
                cancellation.ThrowIfCancellationRequested();
                using (var scope = NewDisposeScope())
                {
                    Model.train();
                    using var batch = FeatureBatch.Collate(batches[b].Select(i => train.Features[i]).ToList(), Model.Kind, padId);
                    var loss = ComputeLoss(batch);
                    (loss.Total / config.GradientAccumulationSteps).backward();
                    Accumulate(running, "loss", loss.Total.item<float>());
                    foreach (var (name, part) in loss.Components) Accumulate(running, name, part.item<float>());
                    runningBatches++;
                }

                var boundary = (b + 1) % config.GradientAccumulationSteps == 0 || b == batches.Length - 1;
                if (!boundary) continue;

                if (config.MaxGradNorm > 0) nn.utils.clip_grad_norm_(parameters, config.MaxGradNorm);
                var learningRate = config.LearningRate * LinearSchedule.Factor(state.GlobalStep, plan.TotalSteps, plan.WarmupSteps);
                foreach (var group in optimizer.ParamGroups) group.LearningRate = learningRate;
                optimizer.step();
                optimizer.zero_grad();
                state = state with { GlobalStep = state.GlobalStep + 1, Epoch = epoch, NextBatch = b + 1 };
                var stepInEpoch = (b / config.GradientAccumulationSteps) + 1;

                var meanLoss = running["loss"] / runningBatches;
                progress.Report(state.GlobalStep, string.Create(CultureInfo.InvariantCulture, $"loss={meanLoss:F4} lr={learningRate:E2}"));
                if (state.GlobalStep % config.LogSteps == 0 || state.GlobalStep == plan.TotalSteps)
                {
                    var values = running.ToDictionary(kv => kv.Key, kv => kv.Value / runningBatches);
                    values["learning_rate"] = learningRate;
                    Log(tensorboard, metricsLog, "train", state.GlobalStep, EpochProgress(epoch, b, batches.Length), values);
                    running.Clear();
                    runningBatches = 0;
                }

                if (plan.IsCheckpoint(state.GlobalStep, epoch, stepInEpoch))
                {
                    state = Checkpoint(store, optimizer, state, tensorboard, metricsLog, EpochProgress(epoch, b, batches.Length));
                }
            }
        }
        progress.Complete();
        return new TrainingSummary(state.GlobalStep, state.MainMetric, state.BestMetric, state.BestStep, store.BestDir, state.Metrics, stopwatch.Elapsed);
    }

    private TrainerState Checkpoint(CheckpointStore store, AdamW optimizer, TrainerState state,
        SummaryWriter tensorboard, MetricsLog metricsLog, double epoch)
    {
        var improved = true;
        if (dev is not null)
        {
            var result = Evaluate(dev);
            state = state with { MainMetric = result.MainMetric, Metrics = result.Metrics };
            Log(tensorboard, metricsLog, "dev", state.GlobalStep, epoch, result.Metrics);
            output.Log.WriteLine($"eval: step {state.GlobalStep} " + string.Join(" ", result.Metrics.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value:F4}"))));
            improved = state.BestMetric is null || result.Main > state.BestMetric;
            if (improved) state = state with { BestMetric = result.Main, BestStep = state.GlobalStep };
        }
        else
        {
            state = state with { BestStep = state.GlobalStep };
        }
        var saved = store.Save(state, Model, labels, output.VocabPath, optimizer);
        if (improved) store.SaveBest(saved);
        return state;
    }

    /// <summary>Scores the model on a data set (eval mode, no gradients).</summary>
    public EvaluationResult Evaluate(ITaskData data) =>
        data.Score(ModelRunner.Logits(Model, data.Features, config.BatchSize, padId));

    /// <summary>AdamW with weight decay on every weight except biases and LayerNorm weights (as BERT does).</summary>
    private AdamW CreateOptimizer()
    {
        var named = Model.named_parameters().Where(p => p.parameter.requires_grad).ToList();
        bool NoDecay(string name) => name.EndsWith(".bias", StringComparison.Ordinal) || name.Contains("LayerNorm", StringComparison.Ordinal);
        var groups = new[]
        {
            new AdamW.ParamGroup(named.Where(p => !NoDecay(p.name)).Select(p => p.parameter), config.LearningRate, 0.9, 0.999, 1e-8, config.WeightDecay, false, false),
            new AdamW.ParamGroup(named.Where(p => NoDecay(p.name)).Select(p => p.parameter), config.LearningRate, 0.9, 0.999, 1e-8, 0.0, false, false),
        };
        return optim.AdamW(groups, config.LearningRate, 0.9, 0.999, 1e-8, config.WeightDecay, false, false);
    }

    private static void Log(SummaryWriter tensorboard, MetricsLog metricsLog, string split, long step, double epoch, IReadOnlyDictionary<string, double> values)
    {
        foreach (var (name, value) in values) tensorboard.add_scalar($"{split}/{name}", (float)value, (int)step);
        metricsLog.Write(step, epoch, split, values);
    }

    private static double EpochProgress(int epoch, int batch, int batches) => epoch + (batch + 1) / (double)batches;

    private static void Accumulate(Dictionary<string, double> sums, string name, double value) =>
        sums[name] = sums.GetValueOrDefault(name) + value;
}
