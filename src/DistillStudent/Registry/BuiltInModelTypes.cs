using Distill.DistillStudent.TaskModels;
using Distill.Models;
using Distill.Models.BiGru;

namespace Distill.DistillStudent.Registry;

/// <summary>The model types the toolkit ships, registered through <see cref="ComponentRegistry.RegisterModelType"/> like a user's.</summary>
internal static class BuiltInModelTypes
{
    /// <summary>BERT task models and plain encoders (a fresh head is built for the run's task); also a config.json without model_type.</summary>
    public static readonly ModelType Bert = new(ModelDirectory.DefaultModelType, (directory, kind, labels) =>
    {
        var configPath = Path.Combine(directory, ModelDirectory.ConfigFile);
        var task = kind ?? BertConfig.Load(configPath).Architectures?.Select(LoadedModel.KindOf).FirstOrDefault(k => k is not null)
            ?? throw new Errors.ConfigException($"{configPath}: architectures names no task head we know, and no task was given");
        var (model, headLabels) = TaskModelDirectory.Load(directory, task, labels);
        return new BertTask(model, headLabels);
    })
    {
        Tokenizer = directory => ModelDirectory.LoadTokenizer(directory, BertConfig.Load(Path.Combine(directory, ModelDirectory.ConfigFile))),
        // The first input longer than max_position_embeddings would fail deep in the model: refuse it before any data is read.
        CheckMaxSeqLength = (directory, length) =>
        {
            var path = Path.Combine(directory, ModelDirectory.ConfigFile);
            BertConfig.Load(path).CheckMaxSeqLength(length, path);
        },
    };

    /// <summary>BiGRU task models (no positions: any length).</summary>
    public static readonly ModelType BiGru = new(BiGruConfig.Type, (directory, _, labels) => new BiGruTask(BiGruDirectory.Load(directory, labels)))
    {
        Tokenizer = directory =>
        {
            var config = BiGruConfig.Load(Path.Combine(directory, ModelDirectory.ConfigFile));
            return ModelDirectory.LoadTokenizer(directory, config.DoLowerCase, config.VocabSize);
        },
    };
}
