using System.Diagnostics;
using System.Globalization;
using Distill.DistillStudent.Configuration;
using System.Text.Json.Nodes;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Runs;
using Distill.Logging;
using Distill.Models;
using Distill.Runtime;
using Distill.Tasks;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Distill.DistillStudent.Training;

/// <summary>
/// Where a trainer writes: the output directory and the console; <c>Run</c> is what the trainer records to claim the
/// output directory (the command-line runs record their whole run file), null for the trainer's type and configs in
/// <see cref="TrainerBase.RunFile"/>.
/// </summary>
internal sealed record TrainerOutput(string OutputDir, TextWriter Log, bool IsTerminal, RunRecord? Run = null);

/// <summary>Where a run is when a batch's loss is computed (schedules of temperature and loss weights read it).</summary>
/// <param name="GlobalStep">optimizer steps already taken (0 during the first)</param>
/// <param name="TotalSteps">optimizer steps of the whole run</param>
/// <param name="Epoch">the current epoch, from 0</param>
public sealed record TrainingProgress(long GlobalStep, long TotalSteps, int Epoch);

/// <summary>What the callback of <see cref="TrainerBase.Train(OptimizerHelper?, IBatchFeed, int?, Func{long, long, double}?, double?, Action{CheckpointEvent}?, int?, Func{Batch, Batch}?, CancellationToken)"/> receives after each checkpoint.</summary>
/// <param name="GlobalStep">optimizer steps done when the checkpoint was written</param>
/// <param name="Checkpoint">the checkpoint's directory</param>
/// <param name="Model">the student module being trained (do not dispose it)</param>
/// <param name="Metrics">the dev metrics at this checkpoint; null without dev data</param>
public sealed record CheckpointEvent(long GlobalStep, string Checkpoint, nn.Module Model, IReadOnlyDictionary<string, double>? Metrics);

/// <summary>
/// The one training loop (TextBrewer's template method) for BasicTrainer and every distiller: epochs of batches,
/// gradient accumulation, AdamW with linear warm-up and decay, gradient clipping, checkpoints with dev
/// evaluation, the best model kept, TensorBoard and JSONL logs with each loss component, and exact resume
/// (weights, extra modules, optimizer, RNG, data position). Subclasses only say how a batch's loss is computed.
/// </summary>
internal abstract class TrainerBase
{
    /// <summary>The record of a run started through this API (<see cref="TrainerOutput.Run"/> null): the trainer's type and its configs.</summary>
    public const string RunFile = "trainer_run.json";

    private readonly TrainerOutput output;
    private readonly Func<EvaluationResult>? evaluate;

    /// <param name="config">the training settings (TextBrewer's TrainingConfig and the optimizer's)</param>
    /// <param name="student">the model trained</param>
    /// <param name="output">where checkpoints, the best model and logs go</param>
    /// <param name="evaluate">scores the student on dev data at each checkpoint; the best score's checkpoint is kept in OUTPUT/best</param>
    protected TrainerBase(TrainingConfig config, AdaptedModel student, TrainerOutput output, Func<EvaluationResult>? evaluate = null)
    {
        Config = config;
        Student = student;
        this.output = output;
        this.evaluate = evaluate;
    }

    protected TrainingConfig Config { get; }

    protected AdaptedModel Student { get; }

    /// <summary>
    /// Whether the next batch is built on a background thread while the step runs (<see cref="PrefetchedBatches"/>);
    /// null: <see cref="PrefetchesByDefault"/>. The weights come out the same either way.
    /// </summary>
    public bool? PrefetchBatches { get; init; }

    /// <summary>
    /// Prefetching needs a core of its own: a one-thread run stays on one core, and where the intra-op threads take
    /// every core the producer preempts one of them, and each parallel region waits for it (2 threads on 2 cores:
    /// a cached step 1.08x faster than at one thread with prefetching, 1.60x without: bench/DistillBench rows 2c, 2d).
    /// </summary>
    internal static bool PrefetchesByDefault(int threads, int processors) => threads > 1 && processors > threads;

    /// <summary>
    /// Modules trained beside the student but not part of it (e.g. projections of intermediate matches): optimized,
    /// clipped, checkpointed and restored with it, never saved into the student's model directory.
    /// </summary>
    public virtual IReadOnlyList<(string Name, nn.Module Module)> ExtraModules => [];

    /// <summary>
    /// Extra modules (by name) trained in an optimizer group of their own settings (TextBrewer's <c>proj[3]</c>
    /// dict); the others follow the config's. Read when the trainer builds its optimizer.
    /// </summary>
    public virtual IReadOnlyDictionary<string, ProjectionOptimizer> ExtraModuleGroups { get; } = new Dictionary<string, ProjectionOptimizer>();

    /// <summary>
    /// The student's output for a batch, in bf16 mixed precision when the config asks (<see cref="TrainingConfig.UsesBf16"/>);
    /// teachers and evaluation run outside it, in float32.
    /// </summary>
    protected AdaptorOutput RunStudent(Batch batch)
    {
        using var precision = Bf16Autocast.Enter(Config.UsesBf16);
        return Student.Run(batch);
    }

    /// <summary>The loss of one batch, with its named parts for logging.</summary>
    protected abstract LossResult ComputeLoss(Batch batch, TrainingProgress progress);

    /// <summary>What a rerun into the same directory must bring unchanged (besides the training config), for <see cref="RunFile"/>.</summary>
    protected virtual JsonObject RunSettings() => [];

    /// <summary>Every parameter the loop trains: the student's and the extra modules'. Build a custom optimizer over these.</summary>
    public IEnumerable<(string Name, Parameter Parameter)> TrainableParameters() =>
        Student.Module.named_parameters()
            .Concat(ExtraModules.SelectMany(m => m.Module.named_parameters().Select(p => ($"{m.Name}.{p.name}", p.parameter))))
            .Where(p => p.Item2.requires_grad);

    /// <summary>Trains with the config's optimizer settings, epochs, schedule and clipping.</summary>
    public TrainingSummary Train(IBatchFeed data, CancellationToken cancellation = default) =>
        Train(null, data, cancellation: cancellation);

    /// <summary>Trains for <paramref name="numSteps"/> optimizer steps, cycling the data (TextBrewer's <c>train(num_steps=...)</c>).</summary>
    public TrainingSummary Train(IBatchFeed data, int numSteps, CancellationToken cancellation = default) =>
        Train(null, data, numSteps: numSteps, cancellation: cancellation);

    /// <summary>
    /// TextBrewer's <c>train(optimizer, dataloader, num_epochs, scheduler, max_grad_norm, num_steps, callback,
    /// batch_postprocessor)</c>. Sets the config's thread count, claims the output directory (<see cref="RunDirectory"/>:
    /// locked for the whole run, refused when it holds another run) and resumes from its newest checkpoint when there is
    /// one. A step whose loss or gradient norm is not finite ends the run with <see cref="NonFiniteLossException"/> before
    /// the optimizer touches the weights, or is skipped and counted (<see cref="TrainingConfig.SkipNonFiniteBatches"/>).
    /// A run that fails before its first checkpoint removes the output directory if it created it.
    /// With an optimizer of the caller's, the defaults are TextBrewer's: no scheduler means a constant learning rate
    /// and no max norm means no clipping; without one, the config's AdamW, warm-up and decay, and clipping
    /// (<see cref="TrainingConfig.ScheduleSummary"/>).
    /// </summary>
    /// <param name="optimizer">null builds AdamW over <see cref="TrainableParameters"/> from the config</param>
    /// <param name="data">the batches</param>
    /// <param name="numEpochs">null takes the config's</param>
    /// <param name="scheduler">(step, total steps) → learning-rate factor; null is the config's linear warm-up and decay, or constant with the caller's optimizer</param>
    /// <param name="maxGradNorm">clipping by global norm, 0 or negative (TextBrewer's −1) off; null takes the config's, or off with the caller's optimizer</param>
    /// <param name="callback">called after each checkpoint with the current model</param>
    /// <param name="numSteps">train this many optimizer steps, cycling the data, instead of epochs; null takes the config's <c>num_steps</c></param>
    /// <param name="batchPostprocessor">applied to each batch before the forward passes (TextBrewer's <c>batch_postprocessor</c>); the
    /// batch it returns is what the student, the teacher and the adaptors see. Tensors it makes belong to the step's dispose scope.</param>
    /// <param name="cancellation">stops between batches</param>
    public TrainingSummary Train(OptimizerHelper? optimizer, IBatchFeed data, int? numEpochs = null, Func<long, long, double>? scheduler = null,
        double? maxGradNorm = null, Action<CheckpointEvent>? callback = null, int? numSteps = null, Func<Batch, Batch>? batchPostprocessor = null,
        CancellationToken cancellation = default)
    {
        var stopwatch = Stopwatch.StartNew();
        var plan = TrainingPlan.From(Config with { NumEpochs = numEpochs ?? Config.NumEpochs, NumSteps = numSteps ?? Config.NumSteps }, data.Count);
        if (plan.BatchesPerEpoch != data.BatchesPerEpoch)
        {
            throw new ArgumentException($"the data gives {data.BatchesPerEpoch} batches per epoch; {data.Count} examples in batches of {Config.BatchSize} make {plan.BatchesPerEpoch}", nameof(data));
        }
        var ownsOptimizer = optimizer is null;
        var clip = maxGradNorm ?? (ownsOptimizer ? Config.MaxGradNorm : 0);
        var schedule = scheduler ?? (ownsOptimizer ? (step, total) => LinearSchedule.Factor(step, total, plan.WarmupSteps) : (_, _) => 1.0);
        if (!ownsOptimizer && ExtraModuleGroups.Count > 0)
        {
            output.Log.WriteLine($"warning: proj[3] optimizer groups ({string.Join(", ", ExtraModuleGroups.Keys)}) are not applied: the optimizer passed in trains every parameter with the groups it was built with");
        }
        set_num_threads(Config.Threads);
        var claim = RunDirectory.Claim(output.OutputDir, output.Run ?? DefaultRecord());
        var store = new CheckpointStore(output.OutputDir);
        try
        {
            optimizer ??= CreateOptimizer();
            var baseRates = optimizer.ParamGroups.Select(g => g.LearningRate).ToArray();
            var state = new TrainerState();
            if (store.Latest(output.Log) is { } checkpoint)
            {
                state = store.Restore(checkpoint, Student.Module, ExtraModules, optimizer);
                output.Log.WriteLine($"train: resuming from {checkpoint} (step {state.GlobalStep} of {plan.TotalSteps})");
                if (store.RepairBest(checkpoint, state) is { } repaired) output.Log.WriteLine(repaired);
                store.Prune(checkpoint, state.BestStep);
            }
            else
            {
                output.Log.WriteLine(plan.NumSteps is null
                    ? $"train: {data.Count} examples, {plan.Epochs} epochs, {plan.StepsPerEpoch} steps per epoch, {plan.TotalSteps} steps"
                    : $"train: {data.Count} examples, {plan.StepsPerEpoch} steps per pass over them, num_steps {plan.TotalSteps} (the data cycled)");
            }

            // Time the loop waited for the next batch (built in place, or by the prefetching thread when it had not finished),
            // and the part of it spent on each epoch's first batch, which opens the data (a cache's first shard is hashed
            // then): a short run is dominated by it, a long one by the rest.
            var feedWait = TimeSpan.Zero;
            var firstBatchWait = TimeSpan.Zero;
            var startup = stopwatch.Elapsed;
            var tensorboard = utils.tensorboard.SummaryWriter(Config.LogDir ?? Path.Combine(output.OutputDir, "runs"));
            using var metricsLog = new MetricsLog(Path.Combine(output.OutputDir, "metrics.jsonl"), keepThroughStep: state.GlobalStep);
            var progress = new ProgressReporter(output.Log, output.IsTerminal, plan.TotalSteps, "train");
            var parameters = TrainableParameters().Select(p => p.Parameter).ToList();
            var running = new Dictionary<string, double>();
            var runningBatches = 0;
            string? skipping = null; // why the current accumulation group's step is skipped

            for (var epoch = state.Epoch; epoch < plan.LoopEpochs && state.GlobalStep < plan.TotalSteps; epoch++)
            {
                var batchesInEpoch = data.BatchesPerEpoch;
                var b = epoch == state.Epoch ? state.NextBatch : 0;
                var batches = data.Epoch(epoch, b);
                var waitStart = Stopwatch.GetTimestamp();
                var firstOfEpoch = true;
                foreach (var batch in PrefetchBatches ?? PrefetchesByDefault(Config.Threads, Environment.ProcessorCount) ? PrefetchedBatches.Of(batches) : batches)
                {
                    var waited = Stopwatch.GetElapsedTime(waitStart);
                    feedWait += waited;
                    if (firstOfEpoch) firstBatchWait += waited;
                    firstOfEpoch = false;
                    cancellation.ThrowIfCancellationRequested();
                    using (batch)
                    using (NewDisposeScope())
                    {
                        Student.Module.train();
                        foreach (var (_, module) in ExtraModules) module.train();
                        var input = batchPostprocessor is null ? batch : batchPostprocessor(batch);
                        var loss = ComputeLoss(input, new TrainingProgress(state.GlobalStep, plan.TotalSteps, epoch));
                        var values = loss.Components.Select(c => (Name: c.Key, Value: (double)c.Value.item<float>())).Prepend(("loss", loss.Total.item<float>())).ToList();
                        // The terms before their total, so that the error names the term that went non-finite.
                        if (NonFinite(values.Skip(1).Append(values[0])) is { } bad)
                        {
                            var problem = $"step {state.GlobalStep + 1}: the loss is not finite ({bad}; batch {b} of epoch {epoch})";
                            skipping ??= Refuse(problem);
                        }
                        else if (skipping is null)
                        {
                            // The gradient is the mean over the group; an epoch's last group may be short.
                            var groupStart = b - (b % Config.GradientAccumulationSteps);
                            loss.Total.DividedBy(Math.Min(Config.GradientAccumulationSteps, batchesInEpoch - groupStart)).backward();
                            foreach (var (name, value) in values) Accumulate(running, name, value);
                            runningBatches++;
                        }
                    }

                    var boundary = (b + 1) % Config.GradientAccumulationSteps == 0 || b == batchesInEpoch - 1;
                    b++;
                    if (!boundary) continue;

                    PausePoint.Reach("step", state.GlobalStep + 1);
                    if (skipping is null)
                    {
                        // Clipping returns the norm it measured; a norm that is not finite leaves the weights alone
                        // (the gradients it scaled are reset below).
                        var norm = clip > 0 ? nn.utils.clip_grad_norm_(parameters, clip) : GradientNorm(parameters);
                        if (!double.IsFinite(norm)) skipping = Refuse($"step {state.GlobalStep + 1}: the gradient norm is not finite ({norm}) though every loss term is");
                    }
                    var factor = schedule(state.GlobalStep, plan.TotalSteps);
                    if (skipping is null)
                    {
                        var groups = optimizer.ParamGroups.ToArray();
                        for (var g = 0; g < groups.Length; g++) groups[g].LearningRate = baseRates[g] * factor;
                        optimizer.step();
                    }
                    else
                    {
                        output.Log.WriteLine($"train: warning: {skipping}; step skipped (skip_nonfinite_batches)");
                        state = state with { SkippedSteps = state.SkippedSteps + 1 };
                        skipping = null;
                    }
                    optimizer.zero_grad();
                    state = state with { GlobalStep = state.GlobalStep + 1, Epoch = epoch, NextBatch = b };
                    var stepInEpoch = ((b - 1) / Config.GradientAccumulationSteps) + 1;

                    var learningRate = baseRates[0] * factor;
                    // Every loss component on the progress line, so a distillation shows which term moves.
                    var losses = string.Join(" ", running.Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key}={kv.Value / runningBatches:F4}")));
                    progress.Report(state.GlobalStep, string.Create(CultureInfo.InvariantCulture, $"{losses} lr={learningRate:E2}"));
                    if ((state.GlobalStep % Config.LogSteps == 0 || state.GlobalStep == plan.TotalSteps) && runningBatches > 0)
                    {
                        var values = running.ToDictionary(kv => kv.Key, kv => kv.Value / runningBatches);
                        values["learning_rate"] = learningRate;
                        Log(tensorboard, metricsLog, "train", state.GlobalStep, EpochProgress(epoch, b, batchesInEpoch), values);
                        running.Clear();
                        runningBatches = 0;
                    }

                    if (plan.IsCheckpoint(state.GlobalStep, epoch, stepInEpoch))
                    {
                        state = Checkpoint(store, optimizer, state, tensorboard, metricsLog, EpochProgress(epoch, b, batchesInEpoch), callback);
                    }
                    if (state.GlobalStep >= plan.TotalSteps) break;
                    waitStart = Stopwatch.GetTimestamp();
                }
            }
            progress.Complete();
            var trained = stopwatch.Elapsed - startup;
            output.Log.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"train: waited {feedWait.TotalSeconds:F1} s for batches, {feedWait.TotalSeconds / Math.Max(1e-9, trained.TotalSeconds):P1} of the loop's {trained.TotalSeconds:F1} s (checkpoints and evaluations included); {firstBatchWait.TotalSeconds:F2} s of it for the first batch of each epoch, {(feedWait - firstBatchWait).TotalSeconds / Math.Max(1e-9, trained.TotalSeconds):P1} for the others"));
            store.RequireBest(state);
            return new TrainingSummary(state.GlobalStep, state.MainMetric, state.BestMetric, state.BestStep, store.BestDir, state.Metrics, stopwatch.Elapsed, state.SkippedSteps);
        }
        catch when (store.Latest() is null)
        {
            // Nothing to resume from: a corrected rerun starts afresh rather than being refused as another configuration.
            claim.Abandon();
            throw;
        }
        finally
        {
            claim.Dispose();
            if (ownsOptimizer) optimizer?.Dispose();
        }
    }

    /// <summary>Throws the divergence error, or returns it as the reason to skip the step when the config says so.</summary>
    private string Refuse(string problem) => Config.SkipNonFiniteBatches
        ? problem
        : throw new NonFiniteLossException($"{problem}: the training diverged, and the step was stopped before the optimizer touched the weights; "
            + "lower learning_rate, set max_grad_norm, or set skip_nonfinite_batches to skip such steps");

    /// <summary>The first non-finite value, as "name=value", or null.</summary>
    private static string? NonFinite(IEnumerable<(string Name, double Value)> values) =>
        values.Where(v => !double.IsFinite(v.Value)).Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Name}={v.Value}")).FirstOrDefault();

    /// <summary>The global L2 norm of the gradients (what clipping measures), for runs that do not clip.</summary>
    private static double GradientNorm(IReadOnlyList<Parameter> parameters)
    {
        using var scope = NewDisposeScope();
        // One reduction per gradient: squaring first would allocate a copy of every gradient each step.
        var norms = parameters.Where(p => p.grad is not null).Select(p => p.grad!.norm()).ToList();
        return norms.Count == 0 ? 0 : stack(norms).norm().item<float>();
    }

    private RunRecord DefaultRecord()
    {
        var settings = new JsonObject { ["trainer"] = GetType().FullName, ["training"] = JsonNode.Parse(Config.ToJson()) };
        foreach (var (name, value) in RunSettings()) settings[name] = value?.DeepClone();
        // Threads change speed, not results: a resumed run may use another count.
        return new RunRecord(RunFile, settings.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }), ["training.threads"]);
    }

    private TrainerState Checkpoint(CheckpointStore store, OptimizerHelper optimizer, TrainerState state,
        SummaryWriter tensorboard, MetricsLog metricsLog, double epoch, Action<CheckpointEvent>? callback)
    {
        var improved = true;
        if (evaluate is not null)
        {
            var result = evaluate();
            state = state with { MainMetric = result.MainMetric, Metrics = result.Metrics };
            Log(tensorboard, metricsLog, "dev", state.GlobalStep, epoch, result.Metrics);
            output.Log.WriteLine($"eval: step {state.GlobalStep} {result.FormatMetrics()}");
            improved = state.BestMetric is null || result.Main > state.BestMetric;
            if (improved) state = state with { BestMetric = result.Main, BestStep = state.GlobalStep };
        }
        else
        {
            state = state with { BestStep = state.GlobalStep };
        }
        // Best is decided before anything is deleted, and the checkpoint it comes from stays until best/ is published.
        var saved = store.Save(state, Student, ExtraModules, optimizer);
        PausePoint.Reach("best", state.GlobalStep);
        if (improved) store.PublishBest(saved);
        PausePoint.Reach("prune", state.GlobalStep);
        store.Prune(saved, state.BestStep);
        callback?.Invoke(new CheckpointEvent(state.GlobalStep, saved, Student.Module, state.Metrics));
        return state;
    }

    /// <summary>
    /// AdamW (<see cref="GcSafeAdamW"/>) with weight decay on every weight except biases and LayerNorm weights (as
    /// BERT does); each extra module of <see cref="ExtraModuleGroups"/> gets the same split in groups of its own
    /// settings, after the others.
    /// </summary>
    internal AdamW CreateOptimizer()
    {
        static bool NoDecay(string name) => name.EndsWith(".bias", StringComparison.Ordinal) || name.Contains("LayerNorm", StringComparison.Ordinal);
        var own = ExtraModuleGroups;
        string? GroupOf(string name) => own.Keys.FirstOrDefault(module => name.StartsWith(module + ".", StringComparison.Ordinal));
        var named = TrainableParameters().Select(p => (p.Name, p.Parameter, Group: GroupOf(p.Name))).ToList();
        var groups = new List<AdamW.ParamGroup>();
        void Split(IEnumerable<(string Name, Parameter Parameter)> parameters, ProjectionOptimizer? settings)
        {
            var list = parameters.ToList();
            var (lr, decay) = (settings?.LearningRate ?? Config.LearningRate, settings?.WeightDecay ?? Config.WeightDecay);
            var (beta1, beta2, eps) = (settings?.Beta1 ?? 0.9, settings?.Beta2 ?? 0.999, settings?.Eps ?? 1e-8);
            groups.Add(new AdamW.ParamGroup(list.Where(p => !NoDecay(p.Name)).Select(p => p.Parameter), lr, beta1, beta2, eps, decay, false, false));
            groups.Add(new AdamW.ParamGroup(list.Where(p => NoDecay(p.Name)).Select(p => p.Parameter), lr, beta1, beta2, eps, 0.0, false, false));
        }
        Split(named.Where(p => p.Group is null).Select(p => (p.Name, p.Parameter)), null);
        foreach (var (module, settings) in own.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            Split(named.Where(p => p.Group == module).Select(p => (p.Name, p.Parameter)), settings);
        }
        return new GcSafeAdamW(groups, Config.LearningRate, Config.WeightDecay);
    }

    private static void Log(SummaryWriter tensorboard, MetricsLog metricsLog, string split, long step, double epoch, IReadOnlyDictionary<string, double> values)
    {
        foreach (var (name, value) in values) tensorboard.add_scalar($"{split}/{name}", (float)value, (int)step);
        metricsLog.Write(step, epoch, split, values);
    }

    private static double EpochProgress(int epoch, int nextBatch, int batches) => epoch + nextBatch / (double)batches;

    private static void Accumulate(Dictionary<string, double> sums, string name, double value) =>
        sums[name] = sums.GetValueOrDefault(name) + value;
}
