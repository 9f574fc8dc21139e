using Distill.Models;
using Distill.Tokenization;
using Distill.Errors;
using Distill.Models.BiGru;
using Distill.Tasks;

namespace Distill.DistillStudent.TaskModels;

/// <summary>Loads a task model directory of any architecture we know, chosen by config.json's <c>model_type</c>.</summary>
internal static class TaskModelLoader
{
    /// <param name="directory">the model directory</param>
    /// <param name="kind">the task</param>
    /// <param name="labels">the data's labels: a fresh BERT head gets them, a trained head is checked against them</param>
    /// <returns>the model in eval mode and its labels (empty for QA)</returns>
    public static (ITaskModel Model, IReadOnlyList<string> Labels) Load(string directory, TaskKind kind, IReadOnlyList<string>? labels = null)
    {
        // Any type but BiGRU goes to the BERT loader, whose config check names the type it found.
        if (ModelDirectory.ModelType(directory) == BiGruConfig.Type)
        {
            var model = BiGruDirectory.Load(directory, labels);
            if (model.Kind != kind)
            {
                model.Dispose();
                throw new ConfigException($"{Path.Combine(directory, ModelDirectory.ConfigFile)}: the BiGRU is a {model.Kind.Name()} model, the run's task is {kind.Name()}");
            }
            return (new BiGruTask(model), model.Config.Labels);
        }
        var (bert, headLabels) = TaskModelDirectory.Load(directory, kind, labels);
        return (new BertTask(bert), headLabels);
    }

    /// <summary>The directory's tokenizer (its vocab.txt, lower-cased as its config says).</summary>
    public static WordPieceEncoder LoadTokenizer(string directory)
    {
        if (ModelDirectory.ModelType(directory) != BiGruConfig.Type) return ModelDirectory.LoadTokenizer(directory, BertConfig.Load(Path.Combine(directory, ModelDirectory.ConfigFile)));
        var config = BiGruConfig.Load(Path.Combine(directory, ModelDirectory.ConfigFile));
        return ModelDirectory.LoadTokenizer(directory, config.DoLowerCase, config.VocabSize);
    }

    /// <summary>
    /// Refuses a maximum sequence length beyond a BERT model's max_position_embeddings before any data is read (the
    /// first input that long would fail deep in the model); a BiGRU has no positions and takes any length.
    /// </summary>
    public static void CheckMaxSeqLength(string directory, int maxSeqLength)
    {
        if (ModelDirectory.ModelType(directory) == BiGruConfig.Type) return;
        var path = Path.Combine(directory, ModelDirectory.ConfigFile);
        BertConfig.Load(path).CheckMaxSeqLength(maxSeqLength, path);
    }
}
