using Distill.DistillStudent.TaskModels;
using Distill.Models;
using Distill.Tasks;
using Distill.Tokenization;

namespace Distill.DistillStudent.Registry;

/// <summary>Loads a model directory of one type in eval mode.</summary>
/// <param name="directory">the model directory (config.json, model.safetensors, vocab.txt)</param>
/// <param name="kind">the run's task</param>
/// <param name="labels">the data's labels (null for QA and for <c>eval</c>, which takes the model's): a fresh head is built for them</param>
public delegate ITaskModel ModelLoad(string directory, TaskKind kind, IReadOnlyList<string>? labels);

/// <summary>
/// A model type as <c>train</c>, <c>distill</c>, <c>eval</c>, output-directory claims, checkpoints and <c>best/</c>
/// use it, registered with <see cref="ComponentRegistry.RegisterModelType"/> under the <c>model_type</c> that a model
/// directory's config.json names. The model itself (<see cref="ITaskModel"/>) saves itself and carries its adaptor.
/// BERT (<c>bert</c>, also a config.json without <c>model_type</c>) and BiGRU (<c>bigru</c>) are registered this way.
/// </summary>
public sealed class ModelType
{
    /// <summary>A type whose loading is entirely <paramref name="load"/>'s.</summary>
    /// <param name="name">config.json's <c>model_type</c></param>
    /// <param name="load">loads a directory of this type in eval mode</param>
    public ModelType(string name, ModelLoad load)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(load);
        Name = name;
        Load = load;
    }

    /// <summary>config.json's <c>model_type</c>.</summary>
    public string Name { get; }

    /// <summary>Loads a directory of this type in eval mode.</summary>
    public ModelLoad Load { get; }

    /// <summary>
    /// The directory's tokenizer; by default its vocab.txt as WordPiece, lower-cased unless config.json says
    /// <c>"do_lower_case": false</c>.
    /// </summary>
    public Func<string, WordPieceEncoder>? Tokenizer { get; init; }

    /// <summary>Refuses a <c>max_seq_length</c> the model cannot take, given the directory and the length (default: any length).</summary>
    public Action<string, int>? CheckMaxSeqLength { get; init; }

    /// <summary>
    /// A type built from its config: <paramref name="create"/> makes the untrained model from the directory's
    /// config.json, then model.safetensors is loaded into it with every key and shape checked (the file and each
    /// missing, unexpected or mis-shaped key named) and the model put in eval mode.
    /// </summary>
    /// <param name="name">config.json's <c>model_type</c></param>
    /// <param name="create">config.json's path, the task and the data's labels (null for QA and <c>eval</c>) → the model</param>
    public static ModelType FromConfig(string name, Func<string, TaskKind, IReadOnlyList<string>?, ITaskModel> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        return new ModelType(name, (directory, kind, labels) =>
        {
            var model = create(Path.Combine(directory, ModelDirectory.ConfigFile), kind, labels);
            try
            {
                StateDictFile.LoadDirectory(model.Module, directory);
            }
            catch
            {
                model.Dispose();
                throw;
            }
            model.Module.eval();
            return model;
        });
    }
}
