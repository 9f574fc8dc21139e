using System.Text.Json.Serialization;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Runs;
using Distill.Models;
using Distill.Errors;

namespace Distill.DistillStudent.MultiTask;

/// <summary>
/// A multi-task distillation run as one JSON file: the training config (its <c>model</c> is the student, its
/// <c>output_dir</c> the run's; the tasks bring their own data, so its task and data fields stay unset and
/// <c>num_epochs</c> is replaced by <c>num_steps</c>), the distillation config and distiller applied to every task,
/// the number of optimizer steps, tau, and the tasks. Saved into the output directory; a rerun must bring the same one.
/// </summary>
internal sealed record MultiTaskConfig
{
    public const string FileName = "multitask_run.json";

    [JsonPropertyName("training")] public TrainingConfig Training { get; init; } = new();
    [JsonPropertyName("distillation")] public DistillationConfig Distillation { get; init; } = new();
    /// <summary><c>basic</c>, <c>general</c> or <c>multitask</c> (TextBrewer's name: general's objective); null picks general when there are intermediate matches.</summary>
    [JsonPropertyName("distiller")] public string? Distiller { get; init; }
    /// <summary>Optimizer steps of the whole run.</summary>
    [JsonPropertyName("num_steps")] public int NumSteps { get; init; }
    /// <summary>Batches are drawn from task i with probability ∝ (its batches per epoch)^tau; default 1; negative favours small tasks.</summary>
    [JsonPropertyName("tau")] public double Tau { get; init; } = 1;
    [JsonPropertyName("tasks")] public IReadOnlyList<TaskEntry> Tasks { get; init; } = [];

    /// <summary>
    /// Written by the run into its output directory: the identities of its inputs (<see cref="RunInputs"/>), which a
    /// rerun must match. Ignored when a run file is read: the run computes its own.
    /// </summary>
    [JsonPropertyName("inputs")] public System.Text.Json.Nodes.JsonObject? Inputs { get; init; }

    public static readonly IReadOnlyList<string> TaskKindsAllowed = ["classification", "tagging"];

    [JsonIgnore] public string DistillerName => RunConfigs.DistillerName(Distiller, Distillation);

    public static MultiTaskConfig Load(string path) => RunConfigs.Load<MultiTaskConfig>(path);

    public string ToJson() => RunConfigs.ToJson(this);

    /// <summary>The training config of task <paramref name="index"/>: the shared one with the task's kind and data, over one epoch.</summary>
    public TrainingConfig TaskTraining(int index) => Training with
    {
        Task = Tasks[index].Task!, TrainFile = Tasks[index].Train, DevFile = Tasks[index].Dev, NumEpochs = 1,
    };

    /// <summary>Checks every field; one error names each bad one (<c>tasks[1].cache is required</c>).</summary>
    public MultiTaskConfig Validate(string source)
    {
        var problems = new List<string>();
        if (Training.TrainFile is not null || Training.DevFile is not null) problems.Add("training.train_file and training.dev_file must be unset: each task gives its own train and dev");
        if (NumSteps <= 0) problems.Add($"num_steps must be positive, found {NumSteps}");
        if (!double.IsFinite(Tau)) problems.Add($"tau must be a finite number, found {Tau}");
        if (Training.NumSteps is not null) problems.Add("training.num_steps must be unset: a multi-task run gives num_steps at the top level");
        if (Distiller == "multiteacher") problems.Add("distiller \"multiteacher\" does not apply to a multi-task run (one teacher per task); use multitask, general or basic");
        if (Tasks.Count == 0) problems.Add("tasks must list at least one task");
        // The shared training fields are checked with the first task's data standing in for the data fields.
        var distillation = RunConfigs.Check(source, Training with { TrainFile = Tasks.FirstOrDefault()?.Train ?? "(tasks)" }, Distillation, Distiller, problems);
        for (var i = 0; i < Tasks.Count; i++)
        {
            var task = Tasks[i];
            var where = $"tasks[{i}]";
            if (string.IsNullOrEmpty(task.Name) || !task.Name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-'))
            {
                problems.Add($"{where}.name must be letters, digits, '_' or '-', found \"{task.Name}\"");
            }
            else if (Tasks.Take(i).Any(t => t.Name == task.Name))
            {
                problems.Add($"{where}.name \"{task.Name}\" is already the name of another task");
            }
            if (task.Task is null || !TaskKindsAllowed.Contains(task.Task))
            {
                problems.Add($"{where}.task must be one of {string.Join(", ", TaskKindsAllowed)}, found \"{task.Task}\"");
            }
            if (string.IsNullOrWhiteSpace(task.Train)) problems.Add($"{where}.train is required");
            if (string.IsNullOrWhiteSpace(task.Cache)) problems.Add($"{where}.cache is required (the task's teacher cache)");
        }
        if (problems.Count > 0) throw new ConfigException($"{source}: {string.Join("; ", problems)}");
        return this with { Distillation = distillation };
    }
}
