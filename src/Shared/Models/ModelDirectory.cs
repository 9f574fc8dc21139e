using TorchSharp;
using Distill.IO;
using Distill.Runtime;
using Distill.Safetensors;
using Distill.Tokenization;
using static TorchSharp.torch;
using Distill.Errors;
using Distill.Models.Bert;
using Distill.Models.BiGru;

namespace Distill.Models;

/// <summary>
/// A Hugging Face model directory: <c>config.json</c>, <c>model.safetensors</c> and <c>vocab.txt</c>.
/// </summary>
internal static class ModelDirectory
{
    public const string ConfigFile = ModelFiles.ConfigFile;
    public const string WeightsFile = ModelFiles.WeightsFile;
    public const string VocabFile = ModelFiles.VocabFile;

    /// <summary>The <c>model_type</c> of a config.json that names none: BERT, as ours were before other types.</summary>
    public const string DefaultModelType = "bert";

    /// <summary>
    /// Loads the encoder in eval mode (as Hugging Face's from_pretrained); the pooler is built when the weights have
    /// one, or when <paramref name="pooler"/> asks for it (then initialised as transformers does: a classifier's
    /// pooler is trained with it). A task model directory's head (<c>classifier.*</c>, <c>qa_outputs.*</c>) is left out.
    /// </summary>
    public static BertModel LoadBert(string directory, bool pooler = false)
    {
        var config = BertConfig.Load(RequireFile(directory, ConfigFile));
        var weightsPath = RequireWeights(directory);
        return StateDictFile.Read(weightsPath, weights =>
        {
            var hasPooler = weights.Keys.Any(IsPoolerKey);
            if (pooler && !hasPooler)
            {
                weights["pooler.dense.weight"] = KeptScalars.Normal(0, config.InitializerRange, [config.HiddenSize, config.HiddenSize]);
                weights["pooler.dense.bias"] = torch.zeros(config.HiddenSize);
            }
            var model = new BertModel(config, hasPooler || pooler);
            var encoder = weights.Where(kv => !kv.Key.StartsWith("classifier.", StringComparison.Ordinal) && !kv.Key.StartsWith("qa_outputs.", StringComparison.Ordinal))
                .ToDictionary(kv => kv.Key, kv => kv.Value);
            StateDict.Load(model, encoder, weightsPath, stripPrefix: "bert.");
            model.eval();
            return model;
        });
    }

    /// <summary>The directory's vocab.txt as the model's tokenizer; a file with more lines than the config's vocab_size is refused.</summary>
    public static WordPieceEncoder LoadTokenizer(string directory, BertConfig config) => LoadTokenizer(directory, config.DoLowerCase, config.VocabSize);

    /// <summary>The directory's vocab.txt as a WordPiece tokenizer normalized as <see cref="TokenizerOptions"/> says.</summary>
    /// <param name="directory">the model directory</param>
    /// <param name="doLowerCase">the config's do_lower_case</param>
    /// <param name="vocabSize">the config's vocab_size, which the file must not exceed (null: unchecked)</param>
    public static WordPieceEncoder LoadTokenizer(string directory, bool? doLowerCase, int? vocabSize = null) =>
        WordPieceEncoder.FromVocabFile(RequireFile(directory, VocabFile), TokenizerOptions(doLowerCase), vocabSize);

    /// <summary>How a model's text is normalized: its config's <c>do_lower_case</c>, lower-cased when the config does not say (Hugging Face's BERT default).</summary>
    public static WordPieceOptions TokenizerOptions(bool? doLowerCase) => new() { LowerCase = doLowerCase ?? true };

    /// <summary>Writes config, weights and a copy of the vocabulary; each file is written atomically.</summary>
    public static void Save(string directory, BertModel model, string vocabPath) => Write(directory, model.Config, model, vocabPath);

    /// <summary>Writes a config, a module's weights and a copy of the vocabulary into a model directory.</summary>
    internal static void Write(string directory, BertConfig config, nn.Module module, string vocabPath) => Write(directory, config.Save, module, vocabPath);

    /// <summary>As above, for a config of any model type, written by <paramref name="saveConfig"/> to the path it is given.</summary>
    internal static void Write(string directory, Action<string> saveConfig, nn.Module module, string vocabPath)
    {
        Directory.CreateDirectory(directory);
        saveConfig(Path.Combine(directory, ConfigFile));
        SafetensorsFile.Write(Path.Combine(directory, WeightsFile), StateDict.Of(module));
        var vocabTarget = Path.Combine(directory, VocabFile);
        if (Path.GetFullPath(vocabPath) != Path.GetFullPath(vocabTarget))
        {
            AtomicFile.Copy(vocabPath, vocabTarget);
        }
    }

    /// <summary>
    /// The directory's <c>model_type</c> from config.json (<c>bert</c>, <see cref="BiGruConfig.Type"/>, ...), so that
    /// a loader can pick the model class before it reads the rest; a config without one is BERT, as ours were before.
    /// </summary>
    public static string ModelType(string directory)
    {
        var path = RequireFile(directory, ConfigFile);
        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("model_type", out var type) && type.ValueKind == System.Text.Json.JsonValueKind.String
                ? type.GetString()!
                : DefaultModelType;
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new ConfigException($"{path}: not a valid config.json ({e.Message})");
        }
    }

    /// <summary>config.json's <c>do_lower_case</c>, null when it does not say (then lower-cased, as <see cref="TokenizerOptions"/> decides).</summary>
    public static bool? DoLowerCase(string directory)
    {
        var path = RequireFile(directory, ConfigFile);
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(path))?["do_lower_case"]?.GetValue<bool>();
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or InvalidOperationException or FormatException)
        {
            throw new ConfigException($"{path}: do_lower_case must be true or false ({e.Message})");
        }
    }

    /// <summary>Whether a weight belongs to the pooler, in an encoder's (<c>pooler.*</c>) or a task model's (<c>bert.pooler.*</c>) names.</summary>
    internal static bool IsPoolerKey(string key) => key.StartsWith("pooler.", StringComparison.Ordinal) || key.StartsWith("bert.pooler.", StringComparison.Ordinal);

    /// <summary>
    /// The directory's weights file, after checking the directory against its <c>checksums.json</c> when it has one
    /// (a run's <c>best/</c> and its checkpoints do), so that a damaged or half-replaced model is refused by name
    /// instead of loading as garbage.
    /// </summary>
    internal static string RequireWeights(string directory)
    {
        var path = RequireFile(directory, WeightsFile);
        if (File.Exists(Path.Combine(directory, DirectoryChecksums.FileName)) && DirectoryChecksums.Problem(directory) is { } problem)
        {
            throw new ModelLoadException($"{directory} does not match its {DirectoryChecksums.FileName}: {problem}; "
                + "a run's best/ is rewritten from its checkpoint by rerunning the run's command");
        }
        return path;
    }

    internal static string RequireFile(string directory, string name)
    {
        var path = Path.Combine(directory, name);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"{directory} is not a model directory: {name} is missing (expected {ConfigFile}, {WeightsFile}, {VocabFile})", path);
        }
        return path;
    }
}
