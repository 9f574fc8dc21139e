using Distill.Models.Heads;
using Distill.DistillStudent.TaskModels;
using Distill.Models;
using Distill.Tasks;

namespace Distill.DistillStudent.Runs;

/// <summary>A trained task model directory (BERT or BiGRU) scored on a labelled data file: what <c>eval</c> prints and <c>recipe</c> reports.</summary>
public static class ModelEvaluation
{
    /// <param name="modelDir">the model directory (e.g. a run's best/)</param>
    /// <param name="kind">the task</param>
    /// <param name="dataPath">labelled data</param>
    /// <param name="settings">how the data is read (its max_seq_length must fit the model)</param>
    /// <param name="batchSize">examples per forward pass</param>
    /// <returns>the metrics and predictions, the number of inputs scored, and the data reader's warnings</returns>
    public static (EvaluationResult Result, int Inputs, IReadOnlyList<string> Warnings) Evaluate(string modelDir, TaskKind kind, string dataPath, TaskDataSettings settings, int batchSize = 64)
    {
        TaskModelLoader.CheckMaxSeqLength(modelDir, settings.MaxSeqLength);
        var (taskModel, labels) = TaskModelLoader.Load(modelDir, kind);
        using var _ = taskModel;
        var tokenizer = TaskModelLoader.LoadTokenizer(modelDir);
        var dataSet = TaskDataLoader.Load(kind, dataPath, tokenizer, kind == TaskKind.Qa ? null : labels, settings);
        var result = dataSet.Score(ModelRunner.Logits(taskModel.Module, kind, taskModel.Logits, dataSet.Features, batchSize, tokenizer.PadId));
        return (result, dataSet.Features.Count, dataSet.Warnings);
    }
}
