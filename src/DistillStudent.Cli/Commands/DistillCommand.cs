using System.CommandLine;
using Distill.Cli;
using Distill.DistillStudent.Configuration;
using Distill.DistillStudent.Runs;
using Distill.Runtime;

namespace Distill.DistillStudent.Commands;

/// <summary><c>distill</c>: distils a student from a teacher cache (or a teacher run in the loop), resumable.</summary>
internal sealed class DistillCommand : Command
{
    private readonly Option<FileInfo> config = new("--config") { Description = "a distillation run as JSON: {\"training\": {...}, \"distillation\": {...}, \"distiller\", \"cache\": [...], \"teacher_weights\": [...] | \"teacher\" (with \"onnx_output\", \"onnx_config\", \"vocab\", \"cased\" for a .onnx file)}; flags override it" };
    private readonly Option<string> student = new("--student") { Description = "the student's model directory (e.g. from init-student)" };
    private readonly Option<string[]> cache = new("--cache") { Description = "teacher cache directory written by cache-teacher (the default teacher); repeat it for a multi-teacher run (KD on the teachers' mean logits)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<string> teacher = new("--teacher") { Description = "a teacher run in the loop (online) instead of a cache: a task-model directory, or an ONNX file (with --onnx-output; it must share the student's vocabulary)" };
    private readonly Option<FileInfo> distillConfig = new("--distill-config") { Description = "a DistillationConfig JSON alone (TextBrewer names; the file cache-teacher run --config reads)" };
    private readonly Option<FileInfo> trainingConfig = new("--training-config") { Description = "a TrainingConfig JSON alone (TextBrewer names, e.g. TextBrewer's own file), replacing the run file's training part; flags override it" };
    private readonly Option<string> distiller = new("--distiller") { Description = "basic | general (default: general when there are intermediate matches)" };
    private readonly OnnxTeacherOptions onnxTeacher = new();
    private readonly TrainingOptions training = new();

    public DistillCommand() : base("distill", "Distil a student from a teacher cache (Basic or General distiller: KD on logits, intermediate matches); rerun the same command to resume. " + TrainingOptions.DefaultsNote)
    {
        foreach (var option in new Option[] { config, student, cache, teacher, distillConfig, trainingConfig, distiller }.Concat(onnxTeacher.All).Concat(training.All)) Options.Add(option);
        SetAction((parse, cancellation) => Task.FromResult(Execute(parse, cancellation)));
    }

    private int Execute(ParseResult parse, CancellationToken cancellation)
    {
        var configFile = parse.GetValue(config);
        var fromFile = configFile is null ? new DistillRunConfig() : DistillRunConfig.Load(configFile.FullName);
        // A teacher given on the command line (either form) replaces the file's; both forms at once fail validation.
        var flagCaches = parse.GetValue(cache) is { Length: > 0 } given ? given : null;
        var flagTeacher = parse.GetValue(teacher);
        var fromFlags = flagCaches is not null || flagTeacher is not null;
        var trainingPart = parse.GetValue(trainingConfig) is { } trainingFile ? TrainingConfig.Load(trainingFile.FullName) : fromFile.Training;
        var run = fromFile with
        {
            Training = training.Merge(parse, trainingPart with { Model = parse.GetValue(student) ?? trainingPart.Model }),
            Distillation = parse.GetValue(distillConfig) is { } file ? DistillationConfig.Load(file.FullName) : fromFile.Distillation,
            Distiller = parse.GetValue(distiller) ?? fromFile.Distiller,
            Cache = fromFlags ? flagCaches ?? [] : fromFile.Cache,
            Teacher = fromFlags ? flagTeacher : fromFile.Teacher,
            OnnxConfig = parse.GetValue(onnxTeacher.Config) ?? fromFile.OnnxConfig,
            Vocab = parse.GetValue(onnxTeacher.Vocab) ?? fromFile.Vocab,
            OnnxOutput = parse.GetValue(onnxTeacher.Outputs) is { Length: > 0 } outputs ? outputs : fromFile.OnnxOutput,
            Cased = parse.GetValue(onnxTeacher.Cased) ? true : fromFile.Cased,
        };
        run = run.Validate(configFile?.FullName ?? "command line");
        TorchRuntime.Initialize(run.Training.Threads);

        var log = parse.InvocationConfiguration.Output;
        var summary = DistillationRun.Execute(run, log, TrainingOptions.IsTerminal(log), cancellation);
        log.WriteLine($"distill: done, {summary.Steps} steps in {summary.Elapsed:hh\\:mm\\:ss}{TrainCommand.Describe(summary)}; student in {summary.BestDir}");
        return 0;
    }
}
