using Distill.DistillStudent.TaskModels;
using Distill.Models;
using Distill.Tasks;
using Distill.Models.Heads;

namespace Distill.Tests.Support;

/// <summary>How far a student's logits are from its teachers' on the tiny training data (<see cref="TinyDistillation"/>).</summary>
internal static class LogitDistance
{
    /// <summary>
    /// Mean squared difference between the student's logits and the mean of the teachers' logits over DIR/train.jsonl,
    /// each model (BERT or BiGRU) reading the data through its own vocab.txt (a student may have its own vocabulary).
    /// </summary>
    public static double ToMeanTeacher(TemporaryDirectory dir, string studentDir, params string[] teacherDirs)
    {
        var (first, labels) = TaskModelDirectory.Load(teacherDirs[0], TaskKind.Classification);
        first.Dispose();
        float[][] Logits(string modelDir)
        {
            var (model, _) = TaskModelLoader.Load(modelDir, TaskKind.Classification, labels);
            using (model)
            {
                var tokenizer = TaskModelLoader.LoadTokenizer(modelDir);
                var data = TaskDataLoader.Load(TaskKind.Classification, dir.File("train.jsonl"), tokenizer, labels, new TaskDataSettings(16, new Distill.Data.DataReadOptions()));
                return ModelRunner.Logits(model.Module, model.Kind, model.Logits, data.Features, 16, tokenizer.PadId);
            }
        }
        var teachers = teacherDirs.Select(Logits).ToList();
        var student = Logits(studentDir);
        return student.Select((row, i) => row.Select((v, c) => v - teachers.Average(t => (double)t[i][c])).Average(d => d * d)).Average();
    }
}
