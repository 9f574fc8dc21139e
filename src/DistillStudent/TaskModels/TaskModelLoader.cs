using Distill.DistillStudent.Registry;
using Distill.Models;
using Distill.Tokenization;
using Distill.Errors;
using Distill.Tasks;

namespace Distill.DistillStudent.TaskModels;

/// <summary>
/// Loads a task model directory of any registered type (<see cref="ComponentRegistry.RegisterModelType"/>), chosen by
/// config.json's <c>model_type</c>; an unknown type fails naming the file and listing the registered ones.
/// </summary>
internal static class TaskModelLoader
{
    /// <param name="directory">the model directory</param>
    /// <param name="kind">the task</param>
    /// <param name="labels">the data's labels: a fresh head gets them, a trained head is checked against them</param>
    /// <returns>the model in eval mode and its labels (empty for QA)</returns>
    public static (ITaskModel Model, IReadOnlyList<string> Labels) Load(string directory, TaskKind kind, IReadOnlyList<string>? labels = null)
    {
        var type = TypeOf(directory);
        var model = type.Load(directory, kind, labels);
        var configPath = Path.Combine(directory, ModelDirectory.ConfigFile);
        string? problem = null;
        if (model.Kind != kind) problem = $"the {type.Name} model is a {model.Kind.Name()} model, the run's task is {kind.Name()}";
        else if (labels is not null && kind != TaskKind.Qa && !labels.SequenceEqual(model.Labels))
        {
            problem = $"the model was trained with labels [{string.Join(", ", model.Labels)}], the data has [{string.Join(", ", labels)}]";
        }
        if (problem is null) return (model, model.Labels);
        model.Dispose();
        throw new ConfigException($"{configPath}: {problem}");
    }

    /// <summary>The directory's tokenizer, as its model type reads it.</summary>
    public static WordPieceEncoder LoadTokenizer(string directory) =>
        TypeOf(directory).Tokenizer?.Invoke(directory) ?? ModelDirectory.LoadTokenizer(directory, ModelDirectory.DoLowerCase(directory));

    /// <summary>
    /// Refuses a maximum sequence length the model cannot take (beyond a BERT model's max_position_embeddings) before
    /// any data is read; a type without positions (BiGRU) takes any length.
    /// </summary>
    public static void CheckMaxSeqLength(string directory, int maxSeqLength) => TypeOf(directory).CheckMaxSeqLength?.Invoke(directory, maxSeqLength);

    /// <summary>
    /// For run-file validation: why <paramref name="directory"/>'s config.json names no registered model type (listing
    /// the registered ones), or null when it does or there is no config.json to read yet (loading reports that).
    /// </summary>
    internal static string? TypeProblem(string? directory)
    {
        if (directory is null || !File.Exists(Path.Combine(directory, ModelDirectory.ConfigFile))) return null;
        try
        {
            TypeOf(directory);
            return null;
        }
        catch (ConfigException e)
        {
            return e.Message;
        }
    }

    /// <summary>The registered type of the directory's config.json <c>model_type</c>.</summary>
    internal static ModelType TypeOf(string directory) =>
        ComponentRegistry.ModelType(ModelDirectory.ModelType(directory), Path.Combine(directory, ModelDirectory.ConfigFile));
}
