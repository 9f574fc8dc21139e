using Distill.Runtime;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Adaptors;
using Distill.DistillStudent.Feeds;
using Distill.DistillStudent.Losses;
using Distill.DistillStudent.Schedules;
using Distill.DistillStudent.Teachers;
using Distill.DistillStudent.Training;
using Distill.Tasks;
using static TorchSharp.torch;
using Distill.Errors;

namespace Distill.DistillStudent.Distillers;

/// <summary>
/// What every distiller shares: the student and teacher outputs of a batch, and TextBrewer's KD objective on
/// logits (temperature and its scheduler, kd_loss_type, probability shift, the KD and hard-label weights and their
/// schedulers). With several teachers the KD target is their (weighted) mean logits, as TextBrewer's
/// MultiTeacherDistiller takes it (<see cref="TeacherEnsemble"/>). Subclasses add terms (intermediate matches), and the config's <c>objective_terms</c> (user code's <see cref="ObjectiveTerm"/>s) are added to every distiller's objective;
/// the loop is <see cref="TrainerBase"/>'s.
/// </summary>
internal abstract class DistillerBase : TrainerBase
{
    private readonly KdLoss kdLoss;
    private readonly TemperatureSchedule temperatureSchedule;
    private readonly IReadOnlyList<double>? teacherWeights;
    private readonly IReadOnlyList<(string Name, ObjectiveTermEntry Entry, ObjectiveTerm Term)> terms;

    /// <param name="config">the training settings</param>
    /// <param name="distillation">the validated distillation config</param>
    /// <param name="student">the student, adapted</param>
    /// <param name="teacher">where the teachers' outputs come from</param>
    /// <param name="output">where checkpoints and logs go</param>
    /// <param name="evaluate">scores the student on dev data at each checkpoint</param>
    /// <param name="teacherWeights">with several teachers, each one's weight in the mean of their logits; null weighs them equally</param>
    protected DistillerBase(TrainingConfig config, DistillationConfig distillation, AdaptedModel student, ITeacherOutputSource teacher,
        TrainerOutput output, Func<EvaluationResult>? evaluate, IReadOnlyList<double>? teacherWeights)
        : base(config, student, output, evaluate)
    {
        Distillation = distillation;
        Teacher = teacher;
        this.teacherWeights = teacherWeights;
        kdLoss = LossRegistry.GetKd(distillation.KdLossType);
        temperatureSchedule = TemperatureSchedule.Parse(distillation.TemperatureScheduler, "temperature_scheduler");
        terms = (distillation.ObjectiveTerms ?? []).Select((entry, i) =>
            ($"{entry.Name}_{i}", entry, Registry.ComponentRegistry.ObjectiveTerm(entry.Name, $"objective_terms[{i}].name"))).ToList();
    }

    protected DistillationConfig Distillation { get; }

    protected override System.Text.Json.Nodes.JsonObject RunSettings() =>
        new() { ["distillation"] = System.Text.Json.JsonSerializer.SerializeToNode(Distillation) };

    protected ITeacherOutputSource Teacher { get; }

    protected sealed override LossResult ComputeLoss(Batch batch, TrainingProgress progress)
    {
        var student = RunStudent(batch);
        var teachers = Teacher.Teach(batch);
        return Total(student, teachers, progress);
    }

    /// <summary>
    /// The subclass's objective plus the config's <c>objective_terms</c>, each weighted (through its scheduler), with
    /// every term named in the parts for the logs.
    /// </summary>
    private LossResult Total(AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers, TrainingProgress progress)
    {
        var parts = new Dictionary<string, Tensor>();
        var total = Objective(student, teachers, progress, parts);
        foreach (var (name, entry, term) in terms)
        {
            var value = term(student, teachers, progress);
            if (value.dim() != 0)
            {
                throw new InvalidOperationException($"objective term \"{entry.Name}\" ({name}) returned a tensor of shape [{string.Join(", ", value.shape)}]; an objective term returns a scalar");
            }
            parts[name] = value;
            var weighted = value.Times(WeightScheduler.Weight(entry.WeightScheduler, entry.Weight, progress.GlobalStep, progress.TotalSteps));
            total = total is null ? weighted : total.Plus(weighted);
        }
        return new LossResult(total ?? throw new InvalidOperationException("the batch gives nothing to train on: no logits for KD, no hard-label loss, no intermediate matches and no objective terms"), parts);
    }

    /// <summary>The batch's loss before the config's objective terms (null when it has no term); named terms go into <paramref name="parts"/> for the logs.</summary>
    /// <param name="student">the student's output</param>
    /// <param name="teachers">each teacher's output, in the run's teacher order</param>
    /// <param name="progress">where the run is</param>
    /// <param name="parts">named terms, for the logs</param>
    protected abstract Tensor? Objective(AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers, TrainingProgress progress, Dictionary<string, Tensor> parts);

    /// <summary>
    /// The student's token mask less the tokens that some teacher with another vocabulary aligned nothing to
    /// (<see cref="AdaptorOutput.AlignedMask"/>); null stays null (sequence-level logits).
    /// </summary>
    protected static Tensor? Aligned(Tensor? mask, IEnumerable<AdaptorOutput> teachers)
    {
        if (mask is null) return null;
        foreach (var teacher in teachers)
        {
            if (teacher.AlignedMask is { } aligned) mask = mask * aligned;
        }
        return mask;
    }

    /// <summary>
    /// The student's logits for KD: QA's distributions over positions lose the positions some teacher with another
    /// vocabulary aligned nothing to (the teacher's lost them in <see cref="Feeds.TeacherTensors"/>), so that both
    /// are compared over the aligned positions only.
    /// </summary>
    private static Tensor? StudentLogits(AdaptorOutput student, IEnumerable<AdaptorOutput> teachers)
    {
        var logits = student.Logits;
        if (logits is null || !student.LogitsOverPositions) return logits;
        foreach (var teacher in teachers)
        {
            if (teacher.AlignedMask is { } aligned) logits = KdLogits.Exclude(logits, aligned);
        }
        return logits;
    }

    /// <summary>For tests and parity checks: the objective of one batch's outputs, without a forward pass.</summary>
    internal LossResult LossOf(AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers, TrainingProgress progress) => Total(student, teachers, progress);

    /// <summary>
    /// kd_loss_weight × KD(logits) + hard_label_weight × Σ student losses, each weight through its scheduler. The
    /// hard-label term enters whenever its scheduled weight is not 0 (TextBrewer adds it always; a 0 weight adds
    /// nothing). With <paramref name="logitsOptional"/> (GeneralDistiller, as TextBrewer's) KD is left out when the
    /// student or a teacher gives no logits, and the result is null when no term is left.
    /// </summary>
    protected Tensor? LogitsObjective(AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers, TrainingProgress progress, Dictionary<string, Tensor> parts,
        bool logitsOptional = false)
    {
        Tensor? total = null;
        if (!logitsOptional || (student.HasLogits && teachers.All(t => t.HasLogits)))
        {
            var kd = Kd(student, teachers);
            parts["kd_loss"] = kd;
            total = kd.Times(WeightScheduler.Weight(Distillation.KdLossWeightScheduler, Distillation.KdLossWeight, progress.GlobalStep, progress.TotalSteps));
        }

        var hardWeight = WeightScheduler.Weight(Distillation.HardLabelWeightScheduler, Distillation.HardLabelWeight, progress.GlobalStep, progress.TotalSteps);
        if (student.Losses is { Count: > 0 } losses)
        {
            var hard = losses.Aggregate(KeptScalars.Plus);
            parts["hard_label_loss"] = hard;
            if (hardWeight != 0)
            {
                var weighted = hard.Times(hardWeight);
                total = total is null ? weighted : total.Plus(weighted);
            }
        }
        return total;
    }

    /// <summary>
    /// The KD loss summed over the logits heads (<see cref="LogitsHeads"/>). Token-level heads are reduced to their
    /// real positions first, the student's by its mask and the teacher's by the first teacher's own mask (the
    /// student's when it has none), as TextBrewer's <c>select_logits_with_mask</c> does, so a temperature scheduler
    /// sees the real positions only.
    /// </summary>
    private Tensor Kd(AdaptorOutput student, IReadOnlyList<AdaptorOutput> teachers)
    {
        if (teachers.Count > 1 && teachers.Any(t => t.TopK is not null))
        {
            throw new Distill.Errors.ConfigException("several teachers are averaged on their full logits; a cache with top-k logits cannot join a multi-teacher run "
                + "(rebuild it with --topk-threshold above the output width)");
        }
        if (teachers[0].TopK is { } topK)
        {
            if (temperatureSchedule.Name is not ("none" or "constant") || Distillation.Temperature != 1 || Distillation.ProbabilityShift)
            {
                throw new Distill.Errors.ConfigException("the cache holds top-k logits with the log-sum-exp at temperature 1 only: distil from it with temperature 1, "
                    + "no temperature_scheduler and no probability_shift, or rebuild the cache with full logits (--topk-threshold above the output width)");
            }
            return TopKLoss.TopKSoftCrossEntropy(student.RequireLogits("student"), topK.Values, topK.Indices, topK.LogSumExp, 1.0, Aligned(student.LogitsMask, teachers));
        }

        var headsS = LogitsHeads.Of(student, "student", student.LogitsOverPositions, StudentLogits(student, teachers));
        var headsT = teachers.Select((t, i) => LogitsHeads.Of(t, teachers.Count == 1 ? "teacher" : $"teacher {i}", student.LogitsOverPositions)).ToList();
        if (headsT.FirstOrDefault(t => t.Count != headsS.Count) is { } other)
        {
            throw new InvalidOperationException($"the student adaptor gives {headsS.Count} logits heads and a teacher's gives {other.Count}; KD pairs them head by head");
        }
        Tensor? total = null;
        for (var h = 0; h < headsS.Count; h++)
        {
            var s = headsS[h];
            var logitsT = TeacherEnsemble.MeanLogits(headsT.Select(t => t[h].Logits).ToList(), teacherWeights);
            if (Distillation.ProbabilityShift)
            {
                var labels = s.Labels ?? throw new InvalidOperationException("probability_shift needs the labels, which the student adaptor did not return");
                logitsT = TeacherLogits.ProbabilityShift(logitsT, labels);
            }
            var maskS = Aligned(s.Mask, teachers);
            var maskT = headsT[0][h].Mask is { } own ? Aligned(own, teachers) : maskS;
            var logitsS = LogitsHeads.Select(s.Logits, maskS);
            logitsT = LogitsHeads.Select(logitsT, maskT);
            if (logitsS.shape[0] != logitsT.shape[0])
            {
                throw new InvalidOperationException($"logits head {h}: the student's logits mask selects {logitsS.shape[0]} positions and the teacher's {logitsT.shape[0]}; KD pairs them one to one");
            }
            // No real position in the batch: the head adds nothing (a mean over no rows would be NaN).
            if (logitsS.shape[0] == 0) continue;
            var temperature = TemperatureScheduler.Temperature(temperatureSchedule, Distillation.Temperature, logitsS, logitsT);
            var kd = kdLoss(logitsS, logitsT, temperature, null);
            total = total is null ? kd : total.Plus(kd);
        }
        // A zero that keeps the graph, so that the step's backward still runs.
        return total ?? headsS[0].Logits.sum().Times(0);
    }
}
