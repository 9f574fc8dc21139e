using Distill.Data;
using Distill.Tokenization;

namespace Distill.Tasks;

/// <summary>How inputs are read and cut, the same for training, evaluation and caching.</summary>
/// <param name="MaxSeqLength">tokens per input, special tokens included</param>
/// <param name="ReadOptions">which columns hold the text, the pair's text and the label, and whether bad records are skipped</param>
/// <param name="DocStride">QA: tokens shared by consecutive windows of a long context</param>
/// <param name="MaxQueryLength">QA: tokens of the question kept</param>
public sealed record TaskDataSettings(int MaxSeqLength, DataReadOptions ReadOptions, int DocStride = 64, int MaxQueryLength = 64);

/// <summary>Reads a data file for a task kind.</summary>
internal static class TaskDataLoader
{
    /// <param name="kind">the task</param>
    /// <param name="path">the data file</param>
    /// <param name="tokenizer">the model's tokenizer</param>
    /// <param name="labels">the label order to use (the training data's or the model's); null takes it from this file</param>
    /// <param name="settings">lengths and reader options</param>
    public static ITaskData Load(TaskKind kind, string path, WordPieceEncoder tokenizer, IReadOnlyList<string>? labels, TaskDataSettings settings)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"data file {path} does not exist", path);
        return kind switch
        {
            TaskKind.Classification => ClassificationData.Load(path, tokenizer, labels, settings.MaxSeqLength, settings.ReadOptions),
            TaskKind.Tagging => TaggingData.Load(path, tokenizer, labels, settings.MaxSeqLength, settings.ReadOptions),
            _ => QaData.Load(path, tokenizer, settings.MaxSeqLength, settings.DocStride, settings.MaxQueryLength, settings.ReadOptions),
        };
    }
}
