using System.Text.Json.Serialization;
using Distill.DistillStudent.Configuration;
using Distill.IO;
using Distill.Models;
using Distill.Teachers;
using Distill.Errors;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// A whole distillation run as one JSON file: the training config (its <c>model</c> is the student), the
/// distillation config, the distiller, and the teacher as cache directories (the default; several make a
/// multi-teacher run) or as a model run online. Saved into the output directory; a rerun must bring the same one.
/// </summary>
internal sealed record DistillRunConfig
{
    public const string FileName = "distill_run.json";

    [JsonPropertyName("training")] public TrainingConfig Training { get; init; } = new();
    [JsonPropertyName("distillation")] public DistillationConfig Distillation { get; init; } = new();

    /// <summary><c>basic</c>, <c>general</c> or <c>multiteacher</c> (TextBrewer's name: basic's objective on the teachers' mean logits); null picks general when there are intermediate matches, else basic.</summary>
    [JsonPropertyName("distiller")] public string? Distiller { get; init; }

    /// <summary>Teacher cache directories; several make a multi-teacher run (KD on their mean logits, matches naming a teacher by index).</summary>
    [JsonPropertyName("cache")] public IReadOnlyList<string> Cache { get; init; } = [];

    /// <summary>With several caches, each teacher's weight in the mean of their logits (null: equal weights).</summary>
    [JsonPropertyName("teacher_weights")] public IReadOnlyList<double>? TeacherWeights { get; init; }

    /// <summary>A teacher run in the loop instead of a cache: a task-model directory, or an ONNX file (<c>.onnx</c>) run through ONNX Runtime.</summary>
    [JsonPropertyName("teacher")] public string? Teacher { get; init; }

    /// <summary>ONNX teacher: its config.json (null: beside the .onnx file).</summary>
    [JsonPropertyName("onnx_config")] public string? OnnxConfig { get; init; }

    /// <summary>ONNX teacher: its vocab.txt (null: beside the .onnx file).</summary>
    [JsonPropertyName("vocab")] public string? Vocab { get; init; }

    /// <summary>ONNX teacher: which graph outputs hold what, as <c>KEY=OUTPUT_NAME</c> (<see cref="OnnxTeacherOutputs.Parse"/>).</summary>
    [JsonPropertyName("onnx_output")] public IReadOnlyList<string>? OnnxOutput { get; init; }

    /// <summary>ONNX teacher: the vocabulary is cased (when its config.json has no do_lower_case).</summary>
    [JsonPropertyName("cased")] public bool? Cased { get; init; }

    /// <summary>
    /// Written by the run into its output directory: the identities of its inputs (<see cref="RunInputs"/>), which a
    /// rerun must match. Ignored when a run file is read: the run computes its own.
    /// </summary>
    [JsonPropertyName("inputs")] public System.Text.Json.Nodes.JsonObject? Inputs { get; init; }

    [JsonIgnore] public bool IsOnnxTeacher => Teacher?.EndsWith(".onnx", StringComparison.OrdinalIgnoreCase) == true;

    [JsonIgnore] public string DistillerName => RunConfigs.DistillerName(Distiller, Distillation);

    /// <summary>The ONNX teacher's files and output mapping; only for a run whose teacher is a .onnx file.</summary>
    public OnnxTeacherFiles OnnxTeacherFiles() => Distill.Teachers.OnnxTeacherFiles.Locate(Teacher!, OnnxConfig, Vocab, OnnxTeacherOutputs.Parse(OnnxOutput ?? []), Cased ?? false);

    public static DistillRunConfig Load(string path) => RunConfigs.Load<DistillRunConfig>(path);

    public string ToJson() => RunConfigs.ToJson(this);

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson() + "\n");

    /// <summary>Checks the training and distillation configs, the distiller and the teacher; one error names every bad field.</summary>
    public DistillRunConfig Validate(string source)
    {
        var problems = new List<string>();
        var distillation = RunConfigs.Check(source, Training, Distillation, Distiller, problems);
        if (TaskModels.TaskModelLoader.TypeProblem(Training.Model) is { } studentType) problems.Add($"training.model: {studentType}");
        if (Distiller == "multitask") problems.Add("distiller \"multitask\" needs a multi-task run file (distill-multitask); use basic, general or multiteacher here");
        if ((Cache.Count > 0) == (Teacher is not null)) problems.Add("give the teacher as cache directories (cache) or as a model (teacher), not both or neither");
        if (IsOnnxTeacher)
        {
            try
            {
                OnnxTeacherOutputs.Parse(OnnxOutput ?? []);
            }
            catch (ConfigException e)
            {
                problems.Add($"onnx_output: {e.Message}");
            }
        }
        else if (OnnxConfig is not null || Vocab is not null || OnnxOutput is not null || Cased is not null)
        {
            problems.Add("onnx_config, vocab, onnx_output and cased describe an ONNX teacher; give teacher as a .onnx file or leave them out");
        }
        if (TeacherWeights is { } weights && DistillStudent.Teachers.TeacherEnsemble.WeightsProblem(weights, Cache.Count) is { } problem) problems.Add($"teacher_weights: {problem}");
        if (problems.Count > 0) throw new ConfigException($"{source}: {string.Join("; ", problems)}");
        return this with { Distillation = distillation };
    }
}
