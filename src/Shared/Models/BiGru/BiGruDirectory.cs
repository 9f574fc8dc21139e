using Distill.Safetensors;
using Distill.Errors;

namespace Distill.Models.BiGru;

/// <summary>
/// Loads and saves BiGRU task models as model directories: <c>config.json</c> (<see cref="BiGruConfig"/>, with the
/// labels), <c>model.safetensors</c> (the state dict: <c>embeddings.word_embeddings.weight</c>,
/// <c>gru.{i}.weight_ih_l0[_reverse]</c> ..., <c>classifier.*</c>) and <c>vocab.txt</c>.
/// </summary>
internal static class BiGruDirectory
{
    /// <param name="directory">the model directory</param>
    /// <param name="labels">the data's labels, checked against the model's (null: no check)</param>
    /// <returns>the model in eval mode</returns>
    public static BiGruTaskModel Load(string directory, IReadOnlyList<string>? labels = null)
    {
        var configPath = ModelDirectory.RequireFile(directory, ModelDirectory.ConfigFile);
        var weightsPath = ModelDirectory.RequireWeights(directory);
        var config = BiGruConfig.Load(configPath);
        if (labels is not null && !labels.SequenceEqual(config.Labels))
        {
            throw new ConfigException($"{configPath}: the model was trained with labels [{string.Join(", ", config.Labels)}], the data has [{string.Join(", ", labels)}]");
        }
        var model = new BiGruTaskModel(config);
        try
        {
            StateDictFile.Load(model, weightsPath);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        model.eval();
        return model;
    }

    /// <summary>Writes config.json, model.safetensors and a copy of <paramref name="vocabPath"/>; each file atomically.</summary>
    public static void Save(string directory, BiGruTaskModel model, string vocabPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        ModelDirectory.Write(directory, model.Config.Save, model, vocabPath);
    }
}
