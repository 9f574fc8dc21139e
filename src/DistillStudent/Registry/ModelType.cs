using Distill.DistillStudent.TaskModels;
using Distill.Models;
using Distill.Tasks;
using Distill.Tokenization;

namespace Distill.DistillStudent.Registry;

/// <summary>Loads a model directory of one type in eval mode.</summary>
/// <param name="directory">the model directory (config.json, model.safetensors, vocab.txt)</param>
/// <param name="kind">the run's task; null: the model's own (as <c>export-onnx</c> loads it)</param>
/// <param name="labels">the data's labels (null for QA and for <c>eval</c>, which takes the model's): a fresh head is built for them</param>
public delegate ITaskModel ModelLoad(string directory, TaskKind? kind, IReadOnlyList<string>? labels);

/// <summary>
/// A model type as <c>train</c>, <c>distill</c>, <c>eval</c>, output-directory claims, checkpoints and <c>best/</c>
/// use it, registered with <see cref="ComponentRegistry.RegisterModelType"/> under the <c>model_type</c> that a model
/// directory's config.json names. The model itself (<see cref="ITaskModel"/>) saves itself and carries its adaptor.
/// BERT (<c>bert</c>, also a config.json without <c>model_type</c>) and BiGRU (<c>bigru</c>) are registered this way.
/// </summary>
public sealed record ModelType
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
    /// The type's ONNX export spec, which <c>export-onnx</c> (and the library call behind it) uses for a directory of
    /// this type: the model loaded in eval mode and the opset → the graph, with int64 inputs <c>input_ids</c> and
    /// <c>attention_mask</c> (dynamic <c>batch</c> and <c>sequence</c> axes) and the output <c>logits</c>
    /// (<c>start_logits</c> and <c>end_logits</c> for QA), checked against the model's own logits before it is published.
    /// Null: the type cannot be exported. (BERT's and BiGRU's specs are the exporter's own.)
    /// </summary>
    public Func<ITaskModel, int, global::Onnx.ModelProto>? OnnxExport { get; init; }

    /// <summary>
    /// A type built from its config: <paramref name="create"/> makes the untrained model from the directory's
    /// config.json, then model.safetensors is loaded into it with every key and shape checked (the file and each
    /// missing, unexpected or mis-shaped key named) and the model put in eval mode.
    /// </summary>
    /// <param name="name">config.json's <c>model_type</c></param>
    /// <param name="create">config.json's path, the task (null: the model's own) and the data's labels (null for QA and <c>eval</c>) → the model</param>
    public static ModelType FromConfig(string name, Func<string, TaskKind?, IReadOnlyList<string>?, ITaskModel> create)
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
