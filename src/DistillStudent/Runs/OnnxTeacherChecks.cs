using Distill.DistillStudent.Configuration;
using Distill.Models;
using Distill.Tasks;
using Distill.Teachers;
using Distill.Errors;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// Checks, before a distillation writes anything, that an ONNX teacher can teach this student online: the output
/// mapping gives every teacher layer the matches read, the teacher's labels are the student's in the same order,
/// and the teacher reads the student's tokens. The teacher runs on the student's token ids (rather than on the
/// text through its own tokenizer), so its vocabulary and casing must be the student's. Every problem is named in
/// one error. The graph's own shapes are checked by running it once (<see cref="Teachers.OnlineOnnxTeacher.Probe"/>).
/// </summary>
internal static class OnnxTeacherChecks
{
    /// <param name="files">the teacher</param>
    /// <param name="distillation">the validated distillation config</param>
    /// <param name="student">the student with its data</param>
    public static void Check(OnnxTeacherFiles files, DistillationConfig distillation, TaskStudent student)
    {
        var problems = new List<string>();
        var attention = distillation.TeacherAttentionLayers();
        if (attention.Count > 0)
        {
            problems.Add($"the matches read teacher attention layers [{string.Join(", ", attention)}], which an ONNX teacher does not output; use a TorchSharp teacher or a cache of one");
        }
        var projections = distillation.TeacherProjectionLayers();
        if (projections.Count > 0)
        {
            problems.Add($"the matches read teacher query/key/value of layers [{string.Join(", ", projections)}], which an ONNX teacher does not output; use a TorchSharp teacher or a cache of one");
        }
        var unmapped = distillation.TeacherHiddenLayers().Where(l => !files.Outputs.Hidden.ContainsKey(l)).ToList();
        if (unmapped.Count > 0)
        {
            problems.Add($"the matches read teacher hidden layers [{string.Join(", ", unmapped)}], which onnx_output does not map (it maps [{string.Join(", ", files.Outputs.Hidden.Keys.Order())}]); "
                + "add hidden.N=OUTPUT_NAME for an output of the graph holding that layer");
        }
        if (student.Config.TaskKind != TaskKind.Qa && files.Labels is { } labels && !labels.SequenceEqual(student.Labels))
        {
            problems.Add($"the teacher's labels are [{string.Join(", ", labels)}] (id2label of {files.ConfigPath}), the student's [{string.Join(", ", student.Labels)}] (the order must match)");
        }
        if (files.VocabularyProblem(student.VocabPath, student.Tokenizer.LowerCase) is { } vocabulary)
        {
            problems.Add($"the teacher's vocabulary is not the student's ({vocabulary}); an online teacher reads the student's token ids, so distil from a cache of it instead");
        }
        if (problems.Count > 0) throw new ConfigException($"{files.Onnx}: the ONNX teacher does not fit this run: {string.Join("; ", problems)}");
    }
}
