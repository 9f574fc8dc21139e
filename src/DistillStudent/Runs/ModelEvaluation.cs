using Distill.DistillStudent.TaskModels;
using Distill.Models.Heads;
using Distill.Tasks;

namespace Distill.DistillStudent.Runs;

/// <summary>
/// What <c>eval</c> does, as a library call: a model directory of any registered type scored on a labelled data set
/// read with the model's own tokenizer, in eval mode without gradients.
/// </summary>
internal static class ModelEvaluation
{
    /// <summary>Examples per forward pass unless told: scoring has no backward pass, so it takes larger batches than training.</summary>
    public const int DefaultBatchSize = 64;

    /// <param name="modelDir">the model directory (e.g. a run's <c>best/</c>)</param>
    /// <param name="kind">the task</param>
    /// <param name="dataPath">the labelled data</param>
    /// <param name="settings">how the data is read and cut</param>
    /// <param name="batchSize">examples per forward pass</param>
    /// <returns>the metrics and predictions, the number of model inputs scored and the data's warnings</returns>
    public static (EvaluationResult Result, int Inputs, IReadOnlyList<string> Warnings) Run(string modelDir, TaskKind kind, string dataPath, TaskDataSettings settings, int batchSize)
    {
        TaskModelLoader.CheckMaxSeqLength(modelDir, settings.MaxSeqLength);
        var (model, labels) = TaskModelLoader.Load(modelDir, kind);
        using var _ = model;
        var tokenizer = TaskModelLoader.LoadTokenizer(modelDir);
        var data = TaskDataLoader.Load(kind, dataPath, tokenizer, kind == TaskKind.Qa ? null : labels, settings);
        var result = data.Score(ModelRunner.Logits(model.Module, kind, model.Logits, data.Features, batchSize, tokenizer.PadId));
        return (result, data.Features.Count, data.Warnings);
    }
}
